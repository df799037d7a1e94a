"""The capture formats read as their documentation describes, and refuse what they are not:
a truncated file, another format, an encoding they are not in, a zip that reaches outside itself."""

from __future__ import annotations

import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from domain.errors import InvalidValue
from kanalarkiv.capture.bundle import MAX_MEMBER_BYTES, ZipBundle, open_bundle
from kanalarkiv.capture.items import Deleted, FormatError
from kanalarkiv.capture.registry import formats, reader_for

FIXTURES = Path(__file__).parents[1] / "fixtures" / "capture"
GENERIC = FIXTURES / "generic" / "export.json"
X_ARCHIVE = FIXTURES / "x-archive"


def read(format_name: str, path: Path) -> tuple[list, object]:
    source = reader_for(format_name)(open_bundle(path))
    return list(source.items()), source


def test_an_x_archive_gives_every_tweet_as_a_post_and_an_edited_tweet_as_one_post_with_versions():
    items, source = read("x-archive", X_ARCHIVE)
    posts = [i for i in items if not isinstance(i, Deleted)]
    assert [p.platform_id for p in posts] == ["1044542449001", "1044542449002", "1630000000001", "1630000000001"]
    assert all(p.kind == "post" and p.parent_platform_id is None for p in posts)  # the self-reply too
    first, edit = posts[2], posts[3]
    assert first.edited_at is None and edit.edited_at.isoformat() == "2023-02-27T09:45:00+00:00"
    assert edit.published_at == first.published_at and "9-14" in edit.text
    assert posts[0].attachments == (
        "https://pbs.twimg.com/media/bibliotek.jpg",
        "https://www.valdemarsvik.se/bibliotek",
    )
    deleted = [i for i in items if isinstance(i, Deleted)]
    assert (
        deleted[0].item.platform_id == "1700000000001"
        and deleted[0].deleted_at.isoformat() == "2026-02-20T09:15:00+00:00"
    )
    assert source.completeness().posts and source.completeness().period[1].isoformat() == "2026-02-28T12:00:00+00:00"
    assert source.account().handle == "valdemarsvik"


def test_a_zip_of_the_archive_reads_the_same(tmp_path):
    archive = tmp_path / "twitter-2026-02-28.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in X_ARCHIVE.rglob("*.js"):
            zf.write(path, str(path.relative_to(X_ARCHIVE)))
    assert isinstance(open_bundle(archive), ZipBundle)
    assert len(read("x-archive", archive)[0]) == 5


def test_the_generic_export_names_each_item_and_says_what_it_holds_whole():
    items, source = read("generic", GENERIC)
    assert [i.platform_id for i in items] == ["fb_1", "fb_2", "fb_1_1", "fb_1_2", "fb_1_3", "fb_2_1"]
    assert items[2].where == "export.json line 12, comments[0]" and items[5].hidden is False
    assert source.completeness().threads == {"fb_1", "fb_2"} and not source.completeness().posts


def test_a_truncated_export_is_refused_naming_the_file_and_line(tmp_path):
    truncated = tmp_path / "export.json"
    truncated.write_bytes(GENERIC.read_bytes()[:700])
    with pytest.raises(FormatError, match=r"export.json line \d+.*(ends early|truncated)"):
        read("generic", truncated)


def test_a_file_of_another_format_is_refused_as_not_that_format(tmp_path):
    with pytest.raises(FormatError, match="not an X archive"):
        read("x-archive", GENERIC)
    with pytest.raises(FormatError, match=r"line 1.*expected '\{'"):
        read("generic", X_ARCHIVE / "data" / "tweets.js")
    with pytest.raises(InvalidValue, match="not a capture format"):
        reader_for("myspace")
    assert "x-archive" in formats() and "generic" in formats()


def test_odd_encodings_utf16_is_read_and_latin1_is_refused_with_its_line(tmp_path):
    utf16 = tmp_path / "utf16.json"
    utf16.write_bytes(GENERIC.read_text(encoding="utf-8").encode("utf-16"))
    assert len(read("generic", utf16)[0]) == 6
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes(GENERIC.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    with pytest.raises(FormatError, match=r"latin1.json line 5: is not UTF-8"):
        read("generic", latin1)


def test_an_item_with_a_bad_time_is_refused_naming_the_item(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(GENERIC.read_text(encoding="utf-8").replace("2026-02-22T10:00:00+01:00", "igår"), encoding="utf-8")
    with pytest.raises(FormatError, match=r"bad.json line 18, comments\[3\]: received_at 'igår'"):
        read("generic", bad)


def test_a_zip_reaching_outside_itself_or_holding_a_link_is_refused(tmp_path):
    traversal = tmp_path / "traversal.zip"
    with zipfile.ZipFile(traversal, "w") as zf:
        zf.writestr("../../etc/cron.d/evil", "x")
    with pytest.raises(FormatError, match="path traversal"):
        open_bundle(traversal)
    absolute = tmp_path / "absolute.zip"
    with zipfile.ZipFile(absolute, "w") as zf:
        zf.writestr("/etc/passwd", "x")
    with pytest.raises(FormatError, match="outside the archive"):
        open_bundle(absolute)
    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as zf:
        info = zipfile.ZipInfo("data/tweets.js")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(FormatError, match="symbolic link"):
        open_bundle(link)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data/tweets.js", b"\0" * 20_000_000)
    with pytest.raises(FormatError, match="unpacks"):
        open_bundle(bomb)


def test_a_file_over_50_mb_is_refused_unread(tmp_path):
    big = tmp_path / "big.json"
    with big.open("wb") as f:
        f.truncate(MAX_MEMBER_BYTES + 1)
    with pytest.raises(FormatError, match=r"big.json: is 50.0 MB; at most 50 MB"):
        read("generic", big)
    directory = tmp_path / "dir"
    shutil.copytree(X_ARCHIVE, directory)
    (directory / "data" / "tweets-part2.js").symlink_to("/etc/passwd")
    assert "data/tweets-part2.js" not in open_bundle(directory).names()
