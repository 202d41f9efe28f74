"""One Database used from two threads (the window and its autosave): calls and transactions never interleave."""

from __future__ import annotations

import threading

from forms.park.model import ParkData
from storage import Database


def test_a_call_from_another_thread_waits_for_an_operation_and_does_not_join_it(
    db: Database, demo_park: ParkData
) -> None:
    park_id = db.replace_park(demo_park)
    errors: list[BaseException] = []

    def autosave() -> None:
        try:
            db.set_value(park_id, 2020, "energy.coke", 4321)
        except BaseException as exc:  # reported to the test below
            errors.append(exc)

    with db.operation(park_id, "lock", "定稿"):
        db.set_value(park_id, 2020, "energy.diesel", 1)
        other = threading.Thread(target=autosave)
        other.start()
        other.join(0.2)
        assert other.is_alive()  # it waits for the block to end
        db.set_value(park_id, 2020, "energy.diesel", 2)
    other.join(30)
    assert not other.is_alive() and errors == []
    ops = db.operations(park_id)
    diesel = db.history(park_id, 2020, "energy.diesel", kind="value")
    coke = db.history(park_id, 2020, "energy.coke", kind="value")[0]
    assert diesel[0].at in ops and ops[diesel[0].at].kind == "lock"
    assert coke.new_raw == 4321 and coke.at not in ops and coke.at > diesel[0].at  # its own change, after


def test_saves_from_two_threads_all_arrive_with_their_history(db: Database, demo_park: ParkData) -> None:
    park_id = db.replace_park(demo_park)
    keys = {0: "energy.coke", 1: "energy.diesel"}

    def typist(n: int) -> None:
        for i in range(200):
            db.set_value(park_id, 2019, keys[n], i)

    threads = [threading.Thread(target=typist, args=(n,)) for n in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    values = db.load_park(park_id).years[2019].values
    assert values["energy.coke"] == 199 and values["energy.diesel"] == 199
    for key in keys.values():
        assert [h.new_raw for h in db.history(park_id, 2019, key, kind="value", limit=200)] == list(range(199, -1, -1))
