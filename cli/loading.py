"""Loading a long-running command's modules without the cyclic garbage collector's full passes.

Importing Textual, pydantic's models and the server makes about 100,000 objects that live as long as the
process, and next to no garbage (under 1,000 unreachable objects). On the way, each time the heap has grown
by a quarter, a full collection walks all of them; put off, one full pass still costs about 25 ms as soon as
the app starts. So the collector pauses while the modules load, then what they made is frozen
(`gc.freeze`): later collections, in the start-up and for the rest of the process, skip it.
"""

import gc
import importlib
from collections.abc import Iterable


def load_for_good(modules: Iterable[str]) -> None:
    """Import `modules`, with the collector paused, and freeze everything made so far; the collector is
    back as it was however the imports end. Only for a process that keeps these modules until it exits."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        for module in modules:
            importlib.import_module(module)
        gc.freeze()
    finally:
        if collecting:
            gc.enable()
