"""The CLI speaks Chinese or English (LINLI_LANG, then LANG; English when neither says zh), from one catalogue
that cannot rot: every key in both languages with the same placeholders, every key used, every key the code
asks for present. The language tests run the real console script in a fresh process, as a person would."""
from __future__ import annotations

import ast
import os
import string
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.i18n import LANG_ENV, LANGUAGES, language
from linli.messages import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
LINLI = str(Path(sys.executable).with_name("linli"))
LOCALE_VARS = (LANG_ENV, "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")
SETTINGS = [  # (environment, the language it must choose)
    ({LANG_ENV: "zh"}, "zh"),
    ({LANG_ENV: "en"}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({}, "en"),
    ({"LANG": "zh_CN.UTF-8", LANG_ENV: "en"}, "en"),  # LINLI_LANG wins
    ({"LANG": "en_US.UTF-8", LANG_ENV: "zh_TW"}, "zh"),
]
IDS = [" ".join(f"{k}={v}" for k, v in env.items()) or "no setting" for env, _ in SETTINGS]


def text(key: str, lang: str, **values: object) -> str:
    return MESSAGES[key][lang].format(**values)


def linli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`linli ARGS` in a fresh process whose only language and Linli settings are `env` (wide terminal: no
    wrapping)."""
    clean = {k: v for k, v in os.environ.items() if k not in LOCALE_VARS and not k.startswith("LINLI_")}
    return subprocess.run([LINLI, *args], env={**clean, "COLUMNS": "250", **env}, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


# --- choosing the language -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("env", "lang"), SETTINGS, ids=IDS)
def test_the_setting_chooses_the_language(env: dict[str, str], lang: str) -> None:
    assert language(env) == lang


settings = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@given(chosen=settings.filter(lambda s: s.strip() != ""), lang_a=settings, lang_b=settings)
def test_a_linli_lang_overrides_any_lang(chosen: str, lang_a: str, lang_b: str) -> None:
    assert language({LANG_ENV: chosen, "LANG": lang_a}) == language({LANG_ENV: chosen, "LANG": lang_b})


@given(prefix=st.sampled_from(["zh", "ZH", "Zh", " zh"]), rest=settings, lang=settings)
def test_any_zh_setting_is_chinese(prefix: str, rest: str, lang: str) -> None:
    assert language({LANG_ENV: prefix + rest, "LANG": lang}) == "zh"
    assert language({"LANG": prefix + rest}) == "zh"


@given(value=settings.filter(lambda s: not s.strip().lower().startswith("zh")))
def test_every_other_setting_is_english(value: str) -> None:
    assert language({"LANG": value}) == "en"
    assert language({LANG_ENV: value, "LANG": "zh_CN.UTF-8"}) == ("en" if value.strip() else "zh")


# --- --help and errors through the real console script ---------------------------------------------------------

HELP = [  # (command, key of its own help text, key of one of its options' help)
    ((), "app.help", "app.version"),
    (("rules", "check"), "rules.check.help", "rules.check.strict"),
    (("month", "close"), "month.close.help", "month.close.dry_run"),
    (("chain", "deploy"), "chain.deploy.help", "chain.deploy.out"),
    (("admin", "upload-members"), "admin.upload_members.help", "opt.json"),
    (("proposal", "show"), "proposal.show.help", "opt.proposal_id"),
]


@pytest.mark.parametrize(("env", "lang"), SETTINGS[:4], ids=IDS[:4])
@pytest.mark.parametrize(("command", "about", "option"), HELP, ids=[" ".join(c) or "linli" for c, _, _ in HELP])
def test_help_is_in_the_chosen_language(env: dict[str, str], lang: str, command: tuple[str, ...], about: str,
                                        option: str) -> None:
    run = linli(*command, "--help", env=env)
    assert run.returncode == 0, run.stderr
    for key in (about, option, "help.options", "help.help_option"):
        assert text(key, lang) in run.stdout, key
    assert run.stdout.lstrip().startswith(text("help.usage", lang) + "linli")
    other = "en" if lang == "zh" else "zh"
    assert text(about, other) not in run.stdout


def test_the_help_layout_is_chinese_through_and_through() -> None:
    """typer's own labels too: arguments, required, defaults, environment variables."""
    out = linli("month", "close", "--help", env={LANG_ENV: "zh"}).stdout
    for key in ("help.arguments", "help.options", "help.required", "help.help_option"):
        assert text(key, "zh") in out
    assert text("help.default", "zh", value=100) in out  # --chunk-size
    assert text("help.envvar", "zh", value="LINLI_RPC_URL") in out
    for english in ("Usage:", "Arguments", "Options", "[required]", "[default:", "[env var:", "Show this message"):
        assert english not in out


def test_a_group_without_a_command_shows_its_help_in_chinese() -> None:
    run = linli("rules", env={"LANG": "zh_CN.UTF-8"})
    assert text("rules.help", "zh") in run.stdout and text("help.commands", "zh") in run.stdout


ERRORS = {  # command line -> (the command it reached, the message in a language)
    "rules check": ("linli rules check", lambda lang: text("error.missing_argument", lang, name="'rules_file'")),
    "month close 2026-11": ("linli month close", lambda lang: text("error.missing_option", lang, name="'--members'")),
    "rules check x.toml --bogus": ("linli rules check",
                                   lambda lang: text("error.no_such_option", lang, name="--bogus")),
    "chain advance 60": ("linli chain advance", lambda lang: text("error.invalid_value", lang, name="--rpc",
                                                                  message=text("chain.advance.no_rpc", lang))),
}


@pytest.mark.parametrize(("env", "lang"), SETTINGS[:4], ids=IDS[:4])
@pytest.mark.parametrize("args", list(ERRORS))
def test_a_command_line_error_is_one_line_in_the_chosen_language(env: dict[str, str], lang: str, args: str) -> None:
    run = linli(*args.split(), env=env)
    command, message = ERRORS[args]
    expected = text("error.line", lang, message=text("error.usage_hint", lang, message=message(lang), command=command))
    assert (run.returncode, run.stderr.strip()) == (2, expected)


@pytest.mark.parametrize(("env", "lang"), SETTINGS[:4], ids=IDS[:4])
def test_an_error_of_the_cli_layer_is_in_the_chosen_language(env: dict[str, str], lang: str, tmp_path: Path) -> None:
    missing = tmp_path / "payout-record-2026-11.json"
    run = linli("verify", "2026-11", "--record", str(missing), env=env)
    expected = text("error.line", lang, message=text("verify.no_record", lang, path=missing))
    assert (run.returncode, run.stderr.strip()) == (1, expected)


def test_an_error_of_the_shared_layers_stays_english_behind_a_chinese_prefix() -> None:
    """governance's errors are the API's too, where machines read them: only the prefix is translated."""
    run = linli("month", "close", "2026-13", "--members", "m.csv", "--orders", "o.csv", "--activities", "a.csv",
                "--rules", "r.toml", "--dry-run", env={LANG_ENV: "zh"})
    prefix, line = text("error.line", "zh", message=""), run.stderr.strip()
    assert run.returncode == 1 and line.startswith(prefix) and "\n" not in line
    assert "2026-13" in line and line.removeprefix(prefix).isascii()


def test_findings_stay_bilingual_and_the_verdict_follows_the_language() -> None:
    illegal = str(ROOT / "examples" / "illegal_rules.toml")
    zh = linli("rules", "check", illegal, env={LANG_ENV: "zh"}).stdout
    en = linli("rules", "check", illegal, env={}).stdout
    assert "拉人头" in zh and "拉人头" in en  # the linter's findings carry both languages
    assert zh.rstrip().endswith(text("rules.check.refused", "zh"))
    assert en.rstrip().endswith(text("rules.check.refused", "en"))


# --- the catalogue cannot rot --------------------------------------------------------------------------------

def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    for key, texts in MESSAGES.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(texts[lang].strip() for lang in LANGUAGES), key
        assert _placeholders(texts["en"]) == _placeholders(texts["zh"]), key


def _code() -> dict[Path, ast.Module]:
    files = [p for p in (ROOT / "linli").rglob("*.py") if p.name != "messages.py"]
    return {p: ast.parse(p.read_text(encoding="utf-8")) for p in files}


def _asked_for(tree: ast.Module) -> list[ast.expr]:
    """The first argument of every `t(...)` call."""
    return [node.args[0] for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t" and node.args]


def _keys(argument: ast.expr) -> list[str]:
    """The keys a t() argument can be: a key written out, or `"a" if … else "b"`; none for anything else."""
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return [argument.value]
    if isinstance(argument, ast.IfExp):
        return _keys(argument.body) + _keys(argument.orelse)
    return []


def test_every_key_the_code_asks_for_is_in_the_catalogue() -> None:
    asked = 0
    for path, tree in _code().items():
        for argument in _asked_for(tree):
            keys = _keys(argument)
            assert keys, f"{path.name}:{argument.lineno}: t() takes a key written out (or a choice of them)"
            assert [key for key in keys if key not in MESSAGES] == [], f"{path.name}:{argument.lineno}"
            asked += 1
    assert asked > 100


def test_every_key_in_the_catalogue_is_used() -> None:
    written = {node.value for tree in _code().values() for node in ast.walk(tree)
               if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert sorted(set(MESSAGES) - written) == []
