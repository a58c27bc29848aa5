"""Sign-in attempts are counted in the database before a password is checked (SQLite, PostGIS).

The attack this answers: 20 or 30 attempts sent at once were all checked, because the
failure was recorded after argon2 finished, in one process's memory.
"""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path
from typing import Any

import pytest

from geo.signin.sign_in_guard import (
    ANY,
    DEFAULT_POLICY,
    Attempt,
    Limit,
    begin_attempt,
    counted_failures,
    local_sign_in_recorded,
    record_local_sign_in,
    stored_records,
    succeeded,
    wait_text,
)
from geo.signin.users import VERIFY_SLOTS, add_user, verify
from geo.store import Store

T0 = 1_800_000_000.0  # a fixed Unix time: the tests move the clock themselves
PASSWORD = "korrekt häst batteri"


pytestmark = pytest.mark.store_starts("schema")


def _burst(url: str, stores: int, attempts: int, name: str = "lisa") -> list[Attempt]:
    """`attempts` threads, spread over `stores` separate Store objects, start at once."""
    engines = [Store(url) for _ in range(stores)]
    start = threading.Barrier(attempts)
    results: list[Attempt] = []
    lock = threading.Lock()

    def one(n: int) -> None:
        start.wait()
        answer = begin_attempt(engines[n % stores], "10.0.0.66", name, T0)
        with lock:
            results.append(answer)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for engine in engines:
        engine.dispose()
    return results


def test_thirty_parallel_attempts_check_no_more_passwords_than_the_free_tries(
    store: Store,
) -> None:
    results = _burst(store.url, stores=3, attempts=30)
    assert len(results) == 30
    allowed = [r for r in results if r.allowed]
    assert len(allowed) == DEFAULT_POLICY.pair.free == 3
    assert all(0 < r.wait <= DEFAULT_POLICY.pair.first_wait for r in results if not r.allowed)
    assert counted_failures(store, "10.0.0.66", "lisa") == 3


def _attempts_in_a_process(url: str, tries: int, start: Any, allowed: Any) -> None:
    """A separate app process: its own Store, `tries` attempts at once with the others."""
    store = Store(url)
    start.wait()
    allowed.put(sum(begin_attempt(store, "10.0.0.66", "lisa", T0).allowed for _ in range(tries)))
    store.dispose()


def test_three_processes_attempting_at_once_share_one_count(store: Store) -> None:
    ctx = multiprocessing.get_context("spawn")
    start, allowed = ctx.Barrier(3), ctx.Queue()
    workers = [
        ctx.Process(target=_attempts_in_a_process, args=(store.url, 10, start, allowed))
        for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    assert sum(allowed.get(timeout=5) for _ in workers) == DEFAULT_POLICY.pair.free


def test_the_count_is_in_the_database_so_another_store_sees_it(store: Store) -> None:
    other = Store(store.url)
    for _ in range(3):
        assert begin_attempt(store, "10.0.0.66", "lisa", T0).allowed
    refused = begin_attempt(other, "10.0.0.66", "Lisa", T0 + 1)
    assert not refused.allowed
    assert refused.wait == pytest.approx(1.0)
    assert counted_failures(other, "10.0.0.66", "lisa") == 3
    other.dispose()


def test_the_wait_doubles_per_try_and_stops_at_a_quarter_of_an_hour(store: Store) -> None:
    now, waits = T0, []
    for _ in range(14):
        answer = begin_attempt(store, "10.0.0.66", "lisa", now)
        if not answer.allowed:
            waits.append(round(answer.wait))
            now += answer.wait
            assert begin_attempt(store, "10.0.0.66", "lisa", now).allowed
        now += 0.001
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
    assert Limit(free=3, first_wait=2.0, longest_wait=900.0).wait_after(60) == 900.0


def test_the_real_user_from_elsewhere_waits_at_most_a_minute_and_not_at_all_once_known(
    store: Store,
) -> None:
    now = T0
    # An attacker guesses lisa's password from many addresses, as fast as allowed.
    for n in range(200):
        begin_attempt(store, f"203.0.113.{n % 50}", "lisa", now)
        now += 0.5
    # Lisa, at her own machine, is held back by the name's record for a minute at most.
    answer = begin_attempt(store, "10.1.1.1", "lisa", now)
    assert not answer.allowed and answer.wait <= DEFAULT_POLICY.name.longest_wait
    now += answer.wait
    answer = begin_attempt(store, "10.1.1.1", "lisa", now)
    assert answer.allowed
    succeeded(store, answer, now)
    # The attack goes on; a machine lisa has signed in from is not held back by it.
    for n in range(100):
        begin_attempt(store, f"203.0.113.{n % 50}", "lisa", now)
        now += 0.5
    assert begin_attempt(store, "10.1.1.1", "lisa", now).allowed


def test_one_address_cannot_try_many_names(store: Store) -> None:
    answers = [begin_attempt(store, "10.0.0.66", f"namn{n}", T0) for n in range(12)]
    assert [a.allowed for a in answers] == [True] * 10 + [False, False]
    # Another address is not affected.
    assert begin_attempt(store, "10.0.0.67", "namn11", T0).allowed


def test_a_burst_of_unknown_names_leaves_a_bounded_number_of_records(store: Store) -> None:
    for n in range(1000):
        begin_attempt(store, "10.0.0.66", f"okänd{n}", T0)
    # Ten tries were counted (ten pairs, ten names, the source); the rest stored nothing.
    assert stored_records(store) == 10 + 10 + 1
    assert counted_failures(store, "10.0.0.66", ANY) == 10
    # A day later a single attempt deletes everything older.
    begin_attempt(store, "10.0.0.66", "lisa", T0 + DEFAULT_POLICY.delete_after + 60)
    assert stored_records(store) == 3


def test_a_successful_sign_in_clears_the_sources_record(store: Store) -> None:
    for n in range(9):
        begin_attempt(store, "10.0.0.5", f"fel{n}", T0)
    answer = begin_attempt(store, "10.0.0.5", "lisa", T0 + 1)
    assert answer.allowed
    succeeded(store, answer, T0 + 2)
    assert counted_failures(store, "10.0.0.5", ANY) == 0
    assert counted_failures(store, "10.0.0.5", "fel1") == 0
    assert counted_failures(store, ANY, "lisa") == 0


def test_a_quiet_hour_starts_a_record_again(store: Store) -> None:
    for _ in range(3):
        begin_attempt(store, "10.0.0.66", "lisa", T0)
    assert not begin_attempt(store, "10.0.0.66", "lisa", T0 + 1).allowed
    assert begin_attempt(store, "10.0.0.66", "lisa", T0 + 3601).allowed
    assert counted_failures(store, "10.0.0.66", "lisa") == 1


def test_local_sign_in_is_remembered_by_the_database(store: Store) -> None:
    assert not local_sign_in_recorded(store)
    record_local_sign_in(store)
    record_local_sign_in(store)  # once is enough; a second time changes nothing
    assert local_sign_in_recorded(Store(store.url))


def test_a_database_that_does_not_exist_is_not_made_by_asking(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}/finns-inte/db.sqlite")
    assert not local_sign_in_recorded(store)
    record_local_sign_in(store)
    assert not (tmp_path / "finns-inte").exists()


def test_waits_are_said_in_swedish() -> None:
    assert wait_text(0.2) == "1 sekund"
    assert wait_text(12.5) == "13 sekunder"
    assert wait_text(61) == "2 minuter"
    assert wait_text(900) == "15 minuter"


def test_no_more_than_two_passwords_are_checked_at_once_in_a_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each check holds 64 MiB: 30 at once took a server from 363 MB to 1.5 GB."""
    import geo.signin.users

    users = tmp_path / "users.json"
    add_user(users, "lisa", PASSWORD, "läsare", "kommun")
    real = geo.signin.users._HASHER
    running, most = 0, 0
    lock = threading.Lock()

    class Counting:
        def hash(self, password: str) -> str:  # the unknown names' hash, made once
            return str(real.hash(password))

        def verify(self, stored: str, password: str) -> bool:
            nonlocal running, most
            with lock:
                running += 1
                most = max(most, running)
            try:
                return bool(real.verify(stored, password))
            finally:
                with lock:
                    running -= 1

    monkeypatch.setattr(geo.signin.users, "_HASHER", Counting())
    start = threading.Barrier(30)
    answers: list[object] = []

    def one(n: int) -> None:
        start.wait()
        # Unknown names are checked against the dummy hash, so they cost the same.
        name = "lisa" if n == 0 else f"okänd{n}"
        answers.append(verify(users, name, PASSWORD if n == 0 else "fel", wait=120))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert len(answers) == 30 and sum(a is not None for a in answers) == 1
    assert most == VERIFY_SLOTS == 2
