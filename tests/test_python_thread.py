"""in_python_thread: the engine's work from a thread Python did not start (QGIS's pooled Qt threads, where
pyproj 3.7's per-thread PROJ contexts are freed under it) runs in a thread Python started."""
import _thread
import threading

import pytest

from hsi_lime_plugin.errors import HsiLimeError
from hsi_lime_plugin.python_thread import in_python_thread


def _from_foreign_thread(function):
    """``function()`` called from a thread started outside ``threading`` (as Qt starts its threads)."""
    done, outcome = threading.Event(), {}

    def body():
        try:
            outcome["result"] = function()
        except BaseException as error:  # noqa: BLE001
            outcome["error"] = error
        done.set()

    _thread.start_new_thread(body, ())
    assert done.wait(30)
    return outcome


def test_a_foreign_thread_hands_the_call_to_a_python_thread():
    outcome = _from_foreign_thread(lambda: in_python_thread(threading.current_thread))
    ran_in = outcome["result"]
    assert not isinstance(ran_in, threading._DummyThread)
    assert ran_in.name.startswith("hsi-lime ") and not ran_in.is_alive()


def test_the_call_s_error_reaches_the_caller():
    def fails():
        raise HsiLimeError("INPUT: broken")

    outcome = _from_foreign_thread(lambda: in_python_thread(fails))
    assert isinstance(outcome["error"], HsiLimeError) and str(outcome["error"]) == "INPUT: broken"


def test_a_python_thread_calls_directly():
    assert in_python_thread(threading.current_thread) is threading.main_thread()
    with pytest.raises(ValueError, match="bad"):
        in_python_thread(int, "bad")
