"""The house rules of STYLE.md that a grep can check: banned string functions,
SQL only in the store, dependencies pointing down, and a header comment on
every source file. These fail when someone breaks the layout, not the API."""
import pathlib
import re

SRC = pathlib.Path(__file__).resolve().parents[2] / "src"


def sources(*dirs):
    for d in dirs:
        yield from sorted((SRC / d).glob("*.[ch]")) if d else sorted(SRC.glob("*.[ch]"))


def code_of(path):
    """The file without comments and string literals' contents kept (SQL lives in strings)."""
    text = path.read_text()
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def test_no_banned_string_functions():
    banned = re.compile(r"(?<![\w])(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|strtol|strtoll|gets)\s*\(")
    hits = [f"{p.relative_to(SRC)}: {m.group(1)}"
            for p in sources("core", "store", "domain", "http", "")
            for m in banned.finditer(code_of(p))]
    assert hits == [], "use ah_buf_appendf / ah_parse_i64 instead"


def test_sql_lives_only_in_the_store():
    sql = re.compile(r'"[^"\n]*\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE TABLE)\b')
    hits = [str(p.relative_to(SRC)) for p in sources("core", "domain", "http", "")
            if sql.search(code_of(p))]
    assert hits == []


def test_includes_point_down():
    rules = {
        "core": re.compile(r'#include "(store|domain|http)/|#include <(sqlite3|microhttpd|jansson)\.h>'),
        "store": re.compile(r'#include "(domain|http)/|#include <(microhttpd|jansson)\.h>'),
        "domain": re.compile(r'#include "http/|#include <(sqlite3|microhttpd|jansson|libpq-fe)\.h>'),
        "http": re.compile(r'#include <(sqlite3|libpq-fe)\.h>|#include "store/store_'),
    }
    hits = [f"{p.relative_to(SRC)}: {m.group(0)}"
            for layer, rx in rules.items() for p in sources(layer)
            for m in rx.finditer(p.read_text())]
    assert hits == []


def test_http_reaches_the_store_only_through_the_domain():
    call = re.compile(r"\bah_store_(?!open\b|close\b)\w+\s*\(")
    hits = [f"{p.relative_to(SRC)}: {m.group(0)}" for p in sources("http")
            for m in call.finditer(code_of(p))]
    assert hits == []


def test_every_source_file_says_what_it_is():
    missing = [str(p.relative_to(SRC)) for p in sources("core", "store", "domain", "http", "")
               if not p.read_text().lstrip().startswith("/*")]
    assert missing == []
