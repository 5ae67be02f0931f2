"""Start-up: each command imports only what it uses; `--help` lists every command without importing them."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import typer
from typer.main import get_group

from assess import pydantic_plugins
from assess.command_table import COMMANDS, PROBE_COMMANDS
from platforms.registry import UNITS
from tests.pcapgen import sample_call_frames, write_capture

ROOT = Path(__file__).resolve().parents[1]
SMALL_CONFIG = ROOT / "samples" / "evidence" / "hq" / "hq-sw1" / "show_running-config.txt"

# Seconds of import each, and none of them needed to print help, an E-model, a capacity sum or facts.
HEAVY = ("numpy", "matplotlib", "weasyprint", "netmiko", "paramiko", "napalm", "scapy", "dpkt", "jinja2")
# typer's pydantic TypeAdapter per parameter: assess.plain_params converts plain values without it.
TYPER_ADAPTERS = "typer._adapters"

# Prints the heavy modules loaded once the command has finished (atexit runs after SystemExit).
PROBE_SCRIPT = """
import atexit, json, sys
heavy = json.loads(sys.argv[1])
atexit.register(lambda: print("LOADED=" + json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in heavy))))
sys.argv = ["assess", *sys.argv[2:]]
from assess.cli import main
main()
"""


def imported(args: list[str], packages: list[str]) -> set[str]:
    """Run ``assess ARGS`` in a fresh interpreter; the modules of ``packages`` it imported."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE_SCRIPT, json.dumps(packages), *args],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    line = next(x for x in done.stdout.splitlines()[::-1] if x.startswith("LOADED="))
    return set(json.loads(line.removeprefix("LOADED=")))


def heavy_modules(args: list[str]) -> list[str]:
    """The heavy modules ``assess ARGS`` imported."""
    return sorted(imported(args, list(HEAVY)))


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["emodel", "--codec", "g711", "--delay-ms", "80"],
        ["capacity", "--calls", "10", "--codec", "g711"],
        ["facts", str(SMALL_CONFIG)],
    ],
    ids=["help", "emodel", "capacity", "facts"],
)
def test_light_command_imports_no_heavy_module(args: list[str]) -> None:
    assert heavy_modules(args) == []


def test_help_imports_neither_pydantic_nor_any_command_module() -> None:
    assert "pydantic" not in imported(["--help"], ["pydantic"])  # the package itself (no model, no adapter)
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from assess.cli import main; sys.argv=['assess','--help']; main()"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    for name in [*COMMANDS, "probe"]:
        assert f"\n  {name} " in done.stdout


@pytest.mark.parametrize("table", [COMMANDS, PROBE_COMMANDS], ids=["assess", "probe"])
def test_table_help_is_the_commands_own_first_paragraph(table: dict) -> None:
    """The static help `--help` prints must not drift from the command's docstring."""
    for name, entry in table.items():
        holder = typer.Typer()
        importlib.import_module(entry.module).register(holder)
        command = get_group(holder).commands[name]
        first_paragraph = " ".join((command.help or "").split("\n\n")[0].split())
        assert entry.help == first_paragraph, name


@pytest.fixture(scope="module")
def small_capture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_capture(tmp_path_factory.mktemp("startup") / "calls.pcap", sample_call_frames())


@pytest.mark.parametrize(
    "args",
    [
        ["emodel", "--codec", "g711", "--delay-ms", "80", "--json"],
        ["capacity", "--calls", "10", "--codec", "g711", "--json"],
        ["facts", str(SMALL_CONFIG), "--json"],
        ["pcap", "CAPTURE", "--json"],
    ],
    ids=["emodel", "capacity", "facts", "pcap"],
)
def test_json_output_needs_neither_typers_pydantic_adapters_nor_rich(args: list[str], small_capture: Path) -> None:
    args = [str(small_capture) if a == "CAPTURE" else a for a in args]
    names = imported(args, ["typer", "rich"])
    assert TYPER_ADAPTERS not in names
    assert not {n for n in names if n.split(".")[0] == "rich"}


def test_pcap_imports_numpy_but_no_other_heavy_module(small_capture: Path) -> None:
    heavy = heavy_modules(["pcap", str(small_capture), "--json"])
    assert {n.split(".")[0] for n in heavy} == {"numpy"}


def test_pcap_imports_no_numpy_module_beyond_what_numpy_itself_loads(small_capture: Path) -> None:
    """numpy.typing (annotations only), numpy.ma and the like would be start-up the analysis does not use."""
    code = "import json, sys, numpy; print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'numpy')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60,
                          check=True)  # fmt: skip
    assert imported(["pcap", str(small_capture), "--json"], ["numpy"]) == set(json.loads(done.stdout))


@pytest.mark.parametrize(
    "args",
    [
        ["emodel", "--codec", "g711", "--delay-ms", "80", "--json"],
        ["emodel", "--codec", "g722", "--loss-pct", "1"],
        ["capacity", "--erlangs", "4.5", "--codec", "g729", "--json"],
        ["capacity", "--calls", "10", "--codec", "g711"],
        ["pcap", "CAPTURE", "--json"],
        ["pcap", "CAPTURE"],
    ],
    ids=["emodel-json", "emodel", "capacity-json", "capacity", "pcap-json", "pcap"],
)
def test_computing_commands_import_no_pydantic(args: list[str], small_capture: Path) -> None:
    """Their results are plain dataclasses (nothing read from outside to validate): pydantic's import and model
    building were a fifth of their start-up."""
    args = [str(small_capture) if a == "CAPTURE" else a for a in args]
    names = imported(args, ["pydantic", "pydantic_core", "annotated_types"])
    assert names - {pydantic_plugins.LOADER} == set()  # the loader's stand-in is registered, not imported


@pytest.mark.parametrize(
    "args",
    [["facts", str(SMALL_CONFIG), "--json"], ["audit", str(SMALL_CONFIG), "--json"]],
    ids=["facts", "audit"],
)
def test_pydantic_models_are_built_without_the_plugin_search(args: list[str]) -> None:
    """pydantic's plugin loader imports importlib.metadata (~20 ms) only to find plugins assess turns off."""
    names = imported(args, ["importlib", "pydantic"])
    assert "pydantic.main" in names
    assert "importlib.metadata" not in names


def test_pydantic_imports_only_get_plugins_from_its_loader() -> None:
    """What assess.pydantic_plugins gives in place of the loader must be all that pydantic takes from it."""
    source = Path(importlib.util.find_spec("pydantic").origin).parent  # type: ignore[arg-type, union-attr]
    imports = {
        line.strip()
        for path in source.rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if "_loader import" in line and not line.lstrip().startswith("#")
    }
    assert imports == {"from ._loader import get_plugins"}


def test_a_users_own_plugin_setting_gets_pydantics_loader() -> None:
    code = "import sys, assess.cli, core.models.facts; print(sys.modules[sys.argv[1]].__file__)"
    env = {**os.environ, "PYDANTIC_DISABLE_PLUGINS": "some_plugin"}
    done = subprocess.run([sys.executable, "-c", code, "pydantic.plugin._loader"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60, env=env, check=True)  # fmt: skip
    assert done.stdout.strip().endswith("_loader.py")


def test_facts_imports_the_parser_of_the_detected_platform_only() -> None:
    parser_modules = {unit.parser.module for unit in UNITS.values()}
    extras = ["textfsm", "ntc_templates", "lxml"]  # show-output templates and XML: not for a running config
    names = imported(["facts", str(SMALL_CONFIG)], sorted({m.split(".")[0] for m in parser_modules} | set(extras)))
    assert names & parser_modules == {UNITS["cisco_ios"].parser.module}
    assert not {n for n in names if n.startswith("platforms.parsers.linux")}  # nor another platform's helpers
    assert not {n for n in names if n.split(".")[0] in extras}


def test_audit_imports_no_probe_result_model() -> None:
    # Config rules read facts only; the survey's result models (site, probes, pilot, traversal, pcap) cost
    # pydantic class builds that an audit never uses.
    names = imported(["audit", str(SMALL_CONFIG), "--json"], ["core"])
    assert "core.models.device" in names  # the probe reached the rules
    probe_models = {f"core.models.{name}" for name in ("site", "probes", "pilot", "traversal", "pcap")}
    assert not names & probe_models


@cache
def small_config_facts_modules() -> frozenset[str]:
    """What `assess facts SMALL_CONFIG` imports of the packages the tests below look at (one run for all)."""
    return frozenset(imported(["facts", str(SMALL_CONFIG)], ["importlib", "email", "netutils", "rich", "collectors"]))


def test_facts_parses_without_importlib_metadata() -> None:
    """netutils' __init__ looks up its own version through importlib.metadata (email, zipfile, csv, socket)."""
    names = small_config_facts_modules()
    assert "netutils.interface" in names  # the IOS parser did use netutils
    assert not {n for n in names if n == "importlib.metadata" or n.split(".")[0] == "email"}


def test_facts_reads_no_library_name_tables() -> None:
    """netutils' lib_mapper (every library's platform names, built at import) is for collection, not parsing."""
    assert "netutils.interface" in small_config_facts_modules()
    assert "netutils.lib_mapper" not in small_config_facts_modules()


def test_netutils_version_is_what_its_distribution_says() -> None:
    """The version netutils' own __init__ would have set, read on demand once the CLI has imported netutils."""
    code = (
        "import sys; from assess.netutils_version import import_without_version_lookup as skip; skip(); "
        "import netutils.interface, netutils; looked_up = 'importlib.metadata' in sys.modules; "
        "from importlib import metadata; print(looked_up, netutils.__version__ == metadata.version('netutils'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60,
                          check=True)  # fmt: skip
    assert done.stdout.split() == ["False", "True"]


def test_facts_on_a_junos_config_imports_no_ios_helpers() -> None:
    """The IOS parser's helpers load netutils' interface tables: a Junos config's path does not need them."""
    junos = ROOT / "tests" / "corpus" / "juniper_junos" / "oxidized-srx300-branch-cluster" / "input.txt"
    names = imported(["facts", str(junos)], ["platforms", "netutils"])
    assert UNITS["juniper_junos"].parser.module in names
    assert "platforms.parsers.cisco_common" not in names
    assert "netutils.constants" not in names


def test_terminal_tables_read_no_emoji_table() -> None:
    """rich's emoji codes (a 3,600-entry table) are not read: the consoles print text as written."""
    assert "rich.table" in small_config_facts_modules()
    assert "rich._emoji_codes" not in small_config_facts_modules()
    assert "rich._emoji_codes" not in imported(["emodel", "--codec", "g711", "--delay-ms", "80"], ["rich"])


def test_a_colon_code_in_device_text_is_printed_as_written() -> None:
    from assess.console import err_console

    with err_console.capture() as captured:
        err_console.print("description :thumbs_up: uplink")
    assert captured.get() == "description :thumbs_up: uplink\n"


def test_facts_on_a_saved_file_imports_no_evidence_folder_models() -> None:
    """collectors.evidence (manifest models, atomic writes) is for evidence folders, not a single saved config."""
    assert "collectors.loader" in small_config_facts_modules()
    assert "collectors.evidence" not in small_config_facts_modules()
    assert "collectors.evidence" in imported(["facts", str(SMALL_CONFIG.parent)], ["collectors"])


# The same command line ended by Python's own exit (the interpreter torn down) instead of assess's.
PYTHON_EXIT_SCRIPT = """
import sys
import assess.__main__ as program
program.exit_without_teardown = sys.exit
sys.argv[0] = "python -m assess"  # the program name click prints, as under `python -m assess`
program.main()
"""


@pytest.mark.parametrize(
    "args",
    [
        ["facts", str(SMALL_CONFIG)],
        ["facts", str(SMALL_CONFIG), "--json"],
        ["facts", str(ROOT / "no-such-config.txt")],  # a user error: one line, exit 2
        ["facts"],  # a usage error
        ["--version"],
    ],
    ids=["table", "json", "user-error", "usage-error", "version"],
)
def test_the_program_ends_as_pythons_own_exit_would(args: list[str]) -> None:
    """`python -m assess` skips the interpreter's teardown: the same output and exit status all the same."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    ours = subprocess.run([sys.executable, "-m", "assess", *args], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=120)  # fmt: skip
    pythons = subprocess.run([sys.executable, "-c", PYTHON_EXIT_SCRIPT, *args], capture_output=True, text=True,
                             cwd=ROOT, env=env, timeout=120)  # fmt: skip
    assert (ours.returncode, ours.stdout, ours.stderr) == (pythons.returncode, pythons.stdout, pythons.stderr)
    assert ours.stdout or ours.stderr


def test_the_programs_exit_handlers_still_run() -> None:
    script = (
        "import atexit, runpy, sys; atexit.register(print, 'handler ran'); sys.argv = ['assess', '--version']; "
        "runpy.run_module('assess', run_name='__main__', alter_sys=True)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert (done.returncode, done.stdout.splitlines()) == (0, ["assess 0.1.0", "handler ran"])


def test_facts_json_prints_its_model_without_pythons_json_modules() -> None:
    """The facts model is serialised by pydantic; json's encoder and decoder (six regexes compiled) are not loaded."""
    script = (  # not PROBE_SCRIPT: that one reads its arguments with json
        "import atexit, sys; atexit.register(lambda: print('JSON=' + ' '.join(sorted(m for m in sys.modules "
        "if m.split('.')[0] == 'json')))); sys.argv = ['assess', *sys.argv[1:]]; from assess.cli import main; main()"
    )
    done = subprocess.run([sys.executable, "-c", script, "facts", str(SMALL_CONFIG), "--json"], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)  # fmt: skip
    assert '"platform": "cisco_ios"' in done.stdout
    assert done.stdout.splitlines()[-1] == "JSON="
