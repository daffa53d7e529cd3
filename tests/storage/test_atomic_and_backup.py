"""Atomic writes (old or new content, never a mixture; symbolic links
written through), temporaries of killed saves cleaned up while a running
save's are left alone, dated backups that never overwrite each other, and
the lock between running copies."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digitpad.storage.atomic import atomic_writer, remove_abandoned_temporaries, write_bytes_atomically
from digitpad.storage.backup import set_aside
from digitpad.storage.file_lock import FileLock, LockTimeout

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_a_failed_write_leaves_the_old_content_and_no_temporary(tmp_path):
    target = tmp_path / "model.npz"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_writer(target) as stream:
            stream.write(b"half of the new")
            raise RuntimeError("crash")
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["model.npz"]
    write_bytes_atomically(target, b"new")
    assert target.read_bytes() == b"new" and os.listdir(tmp_path) == ["model.npz"]


def test_a_symbolic_link_is_written_through(tmp_path):
    real = tmp_path / "real" / "samples.dat"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "samples.dat"
    link.symlink_to(real)
    write_bytes_atomically(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


KILLED_SAVE = """
import sys, time
from digitpad.storage.atomic import atomic_writer
with atomic_writer(sys.argv[1]) as stream:
    stream.write(b"x" * 100000)
    stream.flush()
    print("writing", flush=True)
    time.sleep(60)
"""


def start_a_save(target):
    process = subprocess.Popen([sys.executable, "-c", KILLED_SAVE, str(target)], cwd=REPO_ROOT,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "writing"
    return process


def test_temporaries_of_killed_saves_are_removed_but_not_a_running_ones(tmp_path):
    target = tmp_path / "mymodel.npz"
    for _ in range(5):
        process = start_a_save(target)
        process.send_signal(signal.SIGKILL)
        process.wait()
    # Each new save removed what the killed one before it left behind.
    assert len([name for name in os.listdir(tmp_path) if name.endswith(".tmp")]) == 1
    running = start_a_save(target)
    try:
        write_bytes_atomically(target, b"saved")          # cleans up on the way
        left = [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
        assert len(left) == 1                             # the running save's own
        assert remove_abandoned_temporaries(tmp_path) == 0
    finally:
        running.kill()
        running.wait()
    assert remove_abandoned_temporaries(tmp_path) == 1
    assert os.listdir(tmp_path) == ["mymodel.npz"] and target.read_bytes() == b"saved"


def test_backups_made_in_the_same_second_never_overwrite_each_other(tmp_path):
    path = tmp_path / "samples.journal"
    made = []
    for content in (b"one", b"two", b"three"):
        path.write_bytes(content)
        made.append(set_aside(path))
    assert not path.exists()
    assert [backup.read_bytes() for backup in made] == [b"one", b"two", b"three"]
    assert len(set(made)) == 3 and all(".damaged-" in backup.name for backup in made)
    assert made[1].name.endswith("-2.journal")


def test_the_lock_excludes_another_holder_and_is_reentrant(tmp_path):
    first, second = FileLock(tmp_path / "x.lock"), FileLock(tmp_path / "x.lock", timeout=0.2)
    with first:
        with first:
            with pytest.raises(LockTimeout, match="another copy of digitpad"):
                second.acquire()
    with second:
        pass


def test_a_lock_held_by_a_killed_process_is_free(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom digitpad.storage.file_lock import FileLock\n"
        "lock = FileLock(sys.argv[1]); lock.acquire(); print('held', flush=True); time.sleep(60)"),
        str(tmp_path / "x.lock")], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(LockTimeout):
        FileLock(tmp_path / "x.lock", timeout=0.1).acquire()
    holder.kill()
    holder.wait()
    started = time.monotonic()
    with FileLock(tmp_path / "x.lock", timeout=5):
        assert time.monotonic() - started < 5
