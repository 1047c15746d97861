"""Load a module from ``scripts/`` (they are run as files, not installed as a package)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent.parent


def load_script(name: str) -> ModuleType:
    """Import ``scripts/<name>.py`` once and return it (``drills/x`` for a drill)."""
    key = f"safeguard_scripts_{name.replace('/', '_')}"
    folder = str((ROOT / "scripts" / name).parent)
    if folder not in sys.path:
        sys.path.append(folder)  # the drills import drill_common beside them
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module
