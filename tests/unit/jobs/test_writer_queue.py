"""SQLite writers of one process queue in arrival order before taking a connection."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import text

from cyberfusion.store.db import Database, WriterQueue


def test_writers_enter_in_arrival_order_and_one_at_a_time() -> None:
    queue, order, inside = WriterQueue(), [], []
    queue.__enter__()
    threads = []
    for n in range(8):
        def writer(n: int = n) -> None:
            with queue:
                inside.append(n)
                assert len(inside) == 1
                order.append(n)
                time.sleep(0.002)
                inside.remove(n)
        thread = threading.Thread(target=writer)
        thread.start()
        threads.append(thread)
        time.sleep(0.02)  # each arrives after the previous one queued
    queue.__exit__(None, None, None)
    for thread in threads:
        thread.join(5)
    assert order == list(range(8))


def test_a_nested_write_in_the_same_thread_passes() -> None:
    queue = WriterQueue()
    with queue, queue:
        pass
    done = threading.Event()
    threading.Thread(target=lambda: (queue.__enter__(), done.set())).start()
    assert done.wait(2)


def test_concurrent_sqlite_writes_all_commit_without_busy_waits(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'q.db'}")
    with db.write() as tx:
        tx.session.execute(text("CREATE TABLE t (n INTEGER)"))

    def writer(n: int) -> None:
        for i in range(20):
            with db.write() as tx:
                tx.session.execute(text("INSERT INTO t VALUES (:n)"), {"n": n * 100 + i})

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(10)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    with db.read() as tx:
        assert tx.session.execute(text("SELECT count(*) FROM t")).scalar() == 200
    assert time.perf_counter() - started < 10
    db.dispose()
