"""The shipped retraining thresholds: in-distribution samples of the minimum size rarely alarm, a genuine shift
(other drive model, other year) does; the service's fixed defaults would cry wolf."""
import os

import numpy as np

import backblaze as bb
import disk_data as dd
import drift
from conftest import DATA


def alarms(samples_of_rows, manifest, limits):
    refs = [manifest["reference"]["features"][n] for n in dd.NAMES]
    fired = np.zeros(samples_of_rows.shape[0], dtype=bool)
    for j, ref in enumerate(refs):
        psi, shift = drift.statistics(samples_of_rows[:, :, j], ref)
        fired |= (psi > limits[2 * j]) | (shift > limits[2 * j + 1])
    return fired


def draws(population, count, n, seed):
    idx = np.random.RandomState(seed).randint(0, len(population), size=(count, n))
    return population[idx]


def test_two_hundred_in_distribution_samples_raise_at_most_two_alarms(disk):
    m = disk["manifest"]
    n = m["drift"]["min_samples"]
    assert n == 200
    held = drift.population_sample(dd.same_period_held_out(disk["panel"], disk["rows"]), dd.NAMES, 20000, 99)
    limits = drift.threshold_vector(m["drift"], dd.NAMES)
    assert alarms(draws(held, 200, n, 1), m, limits).sum() <= 2
    # The old fixed defaults (PSI 0.2, 10 % mean shift) on the same samples: nearly always an alarm.
    defaults = np.tile([0.2, 10.0], len(dd.NAMES))
    assert alarms(draws(held, 200, n, 1), m, defaults).sum() >= 150


def test_a_genuine_shift_raises_an_alarm(disk):
    m = disk["manifest"]
    shifted = bb.snapshot_features(os.path.join(DATA, "backblaze", "seagate_ST8000DM002_2019_lastday_raw.csv"),
                                   dd.FEATURES)
    limits = drift.threshold_vector(m["drift"], dd.NAMES)
    assert alarms(draws(shifted, 20, m["drift"]["min_samples"], 2), m, limits).all()
