"""What every format reader relies on: which files of a bundle it reads, HTML as the text a
reader sees, and a file's items held back until the whole file has been read."""

from __future__ import annotations

import pytest
from format_story import MemoryBundle

from kanalarkiv.capture.formats.facebook_dyi import reader as facebook_dyi
from kanalarkiv.capture.formats.reading import checked, html_text, members
from kanalarkiv.capture.items import FormatError


def test_a_one_file_bundle_is_read_whatever_the_files_name_and_a_directory_by_suffix():
    assert members(MemoryBundle({"svar.txt": b""}), (".json",)) == ["svar.txt"]
    files = {"a.json": b"", "b.JSON": b"", "README.md": b"", "bilder/c.jpg": b""}
    assert members(MemoryBundle(files), (".json",)) == ["a.json", "b.JSON"]


def test_html_becomes_a_line_per_block_with_entities_decoded():
    assert html_text("<p>Hej <b>alla</b>!</p><p>Rad&nbsp;två<br>och tre</p>") == "Hej alla!\nRad två\noch tre"
    assert html_text("<ul><li>Skola</li><li>Omsorg</li></ul>") == "Skola\nOmsorg"
    assert html_text("Fisk &amp; skaldjur") == "Fisk & skaldjur"
    assert html_text("  bara text  ") == "bara text"
    assert html_text("") == ""


def test_a_files_items_are_held_back_until_the_whole_file_is_read():
    read: list[int] = []

    def items():
        for number in (1, 2, 3):
            read.append(number)
            if number == 3 and len(read) == 3:
                raise FormatError("f.json item 2", "has no id")
            yield number

    with pytest.raises(FormatError):
        next(checked(items))
    assert read == [1, 2, 3]


def test_only_the_export_files_of_a_facebook_page_are_read():
    post = b'[{"timestamp": 1772442000, "data": [{"post": "Hej"}]}]'
    files = {
        "posts/your_posts__check_ins__photos_and_videos_1.json": post,
        "posts/album/0.json": b'{"photos": []}',
        "posts/your_videos.json": b'{"videos_v2": []}',
    }
    assert [item.text for item in facebook_dyi(MemoryBundle(files)).items()] == ["Hej"]
