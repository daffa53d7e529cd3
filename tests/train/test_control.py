"""Steering real runs: a run on another thread is paused, stepped one batch
and one epoch, slowed down, changed and stopped through ``TrainingControl``;
each change takes effect at the next batch boundary, is recorded in
config.json and shows in metrics.csv; the learning rate follows the
schedule scaled from the change on; and a steered run resumed from its
folder — stopped cleanly, or with changes recorded past its checkpoint as a
crash leaves them — ends with exactly the weights of the uninterrupted run."""

import csv
import json
import queue
import shutil
import threading
import time

import numpy as np
import pytest

from digitpad.model.checkpoint import read_checkpoint
from digitpad.nn import Dropout
from digitpad.train import Callback, RunError, TrainingControl, run_training
from digitpad.train.run import build_schedule
from tests.train.test_trainer import StopAt, assert_same_weights, quick_config

BATCHES = 30            # per epoch: 3,000 training digits in batches of 100
TIMEOUT = 60


class Events(Callback):
    """What the training thread announces, in order, for the test thread."""

    def __init__(self):
        self.queue = queue.Queue()

    def on_paused(self, trainer):
        self.queue.put(("paused", trainer.global_step))

    def on_continued(self, trainer):
        self.queue.put(("continued", trainer.global_step))

    def on_setting_changed(self, trainer, change):
        self.queue.put(("changed", change.step, change.setting, change.value))

    def next(self):
        return self.queue.get(timeout=TIMEOUT)


class InBackground:
    """``run_training`` on a thread of its own, as the app runs it."""

    def __init__(self, *args, **kwargs):
        self.result, self.error = None, None
        self.thread = threading.Thread(target=self._run, args=args, kwargs=kwargs, daemon=True)
        self.thread.start()

    def _run(self, *args, **kwargs):
        try:
            self.result = run_training(*args, **kwargs)
        except BaseException as error:      # handed to the test thread
            self.error = error

    def join(self):
        self.thread.join(TIMEOUT)
        assert not self.thread.is_alive(), "the run did not finish"
        if self.error is not None:
            raise self.error
        return self.result


class Changer(Callback):
    """Asks for changes right after given steps, from the training thread,
    so they land at exactly those steps."""

    def __init__(self, control, plan):
        self.control, self.plan = control, plan

    def on_batch_end(self, trainer, batch, logs):
        for setting, value in self.plan.get(trainer.global_step, []):
            self.control.change(setting, value)


class Rates(Callback):
    def __init__(self):
        self.rates = {}

    def on_batch_end(self, trainer, batch, logs):
        self.rates[trainer.global_step] = logs["learning_rate"]


def rows(path):
    with open(path, newline="") as stream:
        return list(csv.DictReader(stream))


def test_pause_step_one_batch_one_epoch_change_and_continue(small_mnist, tmp_path):
    control, events = TrainingControl(paused=True), Events()
    run = InBackground(quick_config(), tmp_path / "run", data=small_mnist, control=control,
                       callbacks=[events])
    try:
        assert events.next() == ("paused", 0)                 # before the first batch
        control.step_batch()
        assert [events.next(), events.next()] == [("continued", 0), ("paused", 1)]
        control.step_epoch()                                   # to the end of this epoch
        assert [events.next(), events.next()] == [("continued", 1), ("paused", BATCHES)]
        control.step_epoch()                                   # a whole epoch
        assert [events.next(), events.next()] == [("continued", BATCHES), ("paused", 2 * BATCHES)]
        assert control.paused
        control.change("learning_rate", 0.004)
        control.change("dropout", 0.5)
        control.play()
        assert events.next() == ("continued", 2 * BATCHES)
        assert [events.next(), events.next()] == [("changed", 60, "learning_rate", 0.004),
                                                  ("changed", 60, "dropout", 0.5)]
    except BaseException:
        control.stop()                  # never leave the run waiting
        raise
    result = run.join()
    assert result.status == "completed" and not control.paused
    assert [dropout.rate for dropout in result.model.layers if isinstance(dropout, Dropout)] == [0.5]
    recorded = json.loads((tmp_path / "run/config.json").read_text())["changes"]
    assert recorded == [{"step": 60, "setting": "learning_rate", "value": 0.004},
                        {"step": 60, "setting": "dropout", "value": 0.5}]
    assert result.config.changes[1].value == 0.5
    assert [row["dropout"] for row in rows(tmp_path / "run/metrics.csv")] == ["0.2", "0.2", "0.5"]
    assert read_checkpoint(tmp_path / "run/best.npz").metadata["training"]["setting_changes"] == 2


def test_stop_while_paused_stops_at_once_and_the_run_resumes(small_mnist, tmp_path):
    control, events = TrainingControl(), Events()
    run = InBackground(quick_config(), tmp_path / "run", data=small_mnist, control=control,
                       callbacks=[events, Changer(control, {40: [("weight_decay", 1e-3)]})])
    try:
        assert events.next() == ("changed", 40, "weight_decay", 1e-3)
        control.pause()
        assert events.next()[0] == "paused"
        control.change("augment_strength", 0.5)                # asked for, then stopped: never applied
    finally:
        control.stop()
    result = run.join()
    assert result.status == "stopped" and control.stop_requested
    recorded = json.loads((tmp_path / "run/config.json").read_text())["changes"]
    assert recorded == [{"step": 40, "setting": "weight_decay", "value": 1e-3}]
    resumed = run_training(None, tmp_path / "run", data=small_mnist, resume=True)
    assert resumed.status == "completed" and resumed.config.changes == result.config.changes


def test_slow_motion_waits_between_batches_but_is_not_training_time(small_mnist, tmp_path):
    control = TrainingControl(delay_seconds=0.04)
    started = time.monotonic()
    result = run_training(quick_config(epochs=1), tmp_path / "run", data=small_mnist, control=control)
    waited = time.monotonic() - started
    assert waited > BATCHES * 0.04
    assert result.history[0]["epoch_seconds"] < waited - (BATCHES - 1) * 0.04 + 0.01


def test_a_learning_rate_change_is_exact_at_once_and_scales_the_schedule_after(small_mnist, tmp_path):
    config = quick_config(schedule="cosine", learning_rate=0.002, epochs=2)
    control, rates = TrainingControl(), Rates()
    run_training(config, tmp_path / "run", data=small_mnist, control=control,
                 callbacks=[rates, Changer(control, {20: [("learning_rate", 0.01)]})])
    schedule = build_schedule(config, BATCHES)
    # The rate of update n+1 is logged at step n+1; the change came after 20 updates.
    assert [rates.rates[step] for step in range(1, 21)] == pytest.approx([schedule(step) for step in range(20)])
    assert rates.rates[21] == pytest.approx(0.01)
    for step in (22, 40, 60):
        assert rates.rates[step] == pytest.approx(schedule(step - 1) * 0.01 / schedule(20))


PLAN = {5: [("learning_rate", 0.01)], 17: [("dropout", 0.5), ("augment_strength", 0.3)],
        33: [("augment", False)], 47: [("weight_decay", 1e-3), ("learning_rate", 5e-4)],
        62: [("augment", True), ("dropout", 0.0)], 75: [("augment_strength", 1.5)]}


def steered(small_mnist, run_dir, plan=PLAN, extra=(), resume=False, **settings):
    control = TrainingControl()
    return run_training(None if resume else quick_config(**settings), run_dir, data=small_mnist,
                        resume=resume, control=control, callbacks=[Changer(control, plan), *extra])


@pytest.mark.parametrize("settings", [{}, {"optimizer": "sgd", "learning_rate": 0.05}],
                         ids=["adam", "sgd-momentum"])
def test_a_steered_run_resumed_from_its_folder_is_exactly_the_uninterrupted_one(small_mnist, tmp_path,
                                                                               settings):
    plan = dict(PLAN)
    if settings:
        plan[50] = [("momentum", 0.5)]
    straight = steered(small_mnist, tmp_path / "straight", plan, **settings)
    first = steered(small_mnist, tmp_path / "resumed", plan, extra=[StopAt(2, 11)], **settings)
    assert first.status == "stopped" and [change.step for change in first.config.changes] == [5, 17, 17, 33]
    resumed = steered(small_mnist, tmp_path / "resumed", plan, resume=True)
    assert resumed.status == "completed"
    assert_same_weights(straight.model.state_dict(), resumed.model.state_dict())
    assert resumed.config == straight.config
    assert rows(tmp_path / "resumed/metrics.csv") == [
        {**row, "epoch_seconds": mine["epoch_seconds"], "elapsed_seconds": mine["elapsed_seconds"]}
        for row, mine in zip(rows(tmp_path / "straight/metrics.csv"), rows(tmp_path / "resumed/metrics.csv"))]
    last = rows(tmp_path / "straight/metrics.csv")[-1]
    assert (last["dropout"], last["augment"], last["augment_strength"], last["weight_decay"]) == \
        ("0", "1", "1.5", "0.001")


def test_changes_recorded_past_the_checkpoint_are_replayed_at_their_steps(small_mnist, tmp_path):
    """A crash after changes were recorded but before the next checkpoint:
    resuming replays them from config.json, no control needed."""
    straight = steered(small_mnist, tmp_path / "straight")
    first = steered(small_mnist, tmp_path / "crashed", extra=[StopAt(2, 11)])
    assert first.status == "stopped"
    shutil.copy(tmp_path / "straight/config.json", tmp_path / "crashed/config.json")
    seen = Events()
    resumed = run_training(None, tmp_path / "crashed", data=small_mnist, resume=True, callbacks=[seen])
    assert_same_weights(straight.model.state_dict(), resumed.model.state_dict())
    replayed = [seen.queue.get_nowait()[1] for _ in range(seen.queue.qsize())]
    assert replayed == [47, 47, 62, 62, 75]


def test_a_tampered_change_in_config_json_stops_the_resume(small_mnist, tmp_path):
    steered(small_mnist, tmp_path / "run", extra=[StopAt(2, 11)])
    path = tmp_path / "run/config.json"
    data = json.loads(path.read_text())
    data["changes"][0]["value"] = -1.0
    path.write_text(json.dumps(data))
    with pytest.raises(RunError, match=r"config.json: cannot use this run configuration \(changes\[0\]"):
        run_training(None, tmp_path / "run", data=small_mnist, resume=True)


def test_a_suggestion_that_applies_live_can_be_sent_to_the_control(small_mnist, tmp_path):
    control, events = TrainingControl(), Events()

    class ApplyFindings(Callback):
        def on_finding(self, trainer, finding):
            if finding.applies_live:
                for setting, value in finding.suggestion.items():
                    control.change(setting, value)

    result = run_training(quick_config(learning_rate=1.0, augment=False, epochs=1), tmp_path / "run",
                          data=small_mnist, control=control, callbacks=[ApplyFindings(), events])
    assert "divergence" in [finding.name for finding in result.findings]
    assert ("learning_rate", 0.1) in [(change.setting, change.value) for change in result.config.changes]
    assert np.isfinite(result.model.parameters()[0].value).all()
