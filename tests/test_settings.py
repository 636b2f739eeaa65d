"""Every setting of config.toml is read, changes something and is documented (docs/reglages.md)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from lib.config import CONFIG_PATH, load_settings

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "reglages.md").read_text(encoding="utf-8")
RAW = tomllib.loads(CONFIG_PATH.read_text(encoding="utf-8"))
KEYS = [(section, key) for section, values in RAW.items() for key in values]


def _altered(value: object) -> object:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    return f"{value}x" if value else "https://exemple.invalid/{z}/{x}/{y}.png"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if not isinstance(value, str) else '"' + value.replace('"', '\\"') + '"'


def _with(section: str, key: str, value: object) -> str:
    lines = []
    for name, values in RAW.items():
        lines.append(f"[{name}]")
        for k, v in values.items():
            lines.append(f'"{k}" = {_toml(value if (name, k) == (section, key) else v)}')
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("section", "key"), KEYS, ids=[f"{s}.{k}" for s, k in KEYS])
def test_each_setting_changes_the_settings(tmp_path: Path, monkeypatch, section: str, key: str) -> None:
    monkeypatch.delenv("OBSERVATOIRE_DB_URL", raising=False)
    monkeypatch.delenv("OBSERVATOIRE_DEMO_JEUNES", raising=False)
    base = load_settings(CONFIG_PATH)
    value = RAW[section][key]
    if (section, key) == ("app", "region_code"):
        altered: object = "91"  # another real territory
    else:
        altered = _altered(value)
    path = tmp_path / "config.toml"
    path.write_text(_with(section, key, altered), encoding="utf-8")
    assert load_settings(path) != base, f"{section}.{key} ne change rien"


@pytest.mark.parametrize(("section", "key"), KEYS, ids=[f"{s}.{k}" for s, k in KEYS])
def test_each_setting_is_documented(section: str, key: str) -> None:
    name = f"`{section}.CODE`" if section == "dispositifs" else f"`{section}.{key}`"
    assert name in DOC, f"{section}.{key} absent de docs/reglages.md"


def test_every_typed_setting_is_used_outside_the_config_module() -> None:
    fields = re.findall(r"^    (\w+): ", (ROOT / "lib" / "config.py").read_text(encoding="utf-8"), flags=re.M)
    code = "\n".join(
        p.read_text(encoding="utf-8")
        for folder in ("lib", "pages")
        for p in (ROOT / folder).rglob("*.py")
        if p.name != "config.py"
    ) + (ROOT / "app.py").read_text(encoding="utf-8")
    unused = [f for f in fields if not re.search(rf"\.{f}\b", code)]
    assert unused == []
