"""Request ids the service makes are unique: one process's ids differ by their count, and a process
forked after the app was imported (a pre-forking server) makes ids of its own prefix."""

from __future__ import annotations

import os

from api.main import _request_ids


def test_ids_made_in_one_process_differ_and_a_forked_one_has_its_own_prefix():
    first, second = _request_ids.made(), _request_ids.made()
    assert first != second and first[:16] == second[:16] and len(first) == 32
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: report an id of its own and leave at once
        os.write(write, _request_ids.made().encode())
        os._exit(0)
    os.close(write)
    made_in_child = os.read(read, 64).decode()
    os.waitpid(child, 0)
    assert len(made_in_child) == 32 and made_in_child[:16] != first[:16]
