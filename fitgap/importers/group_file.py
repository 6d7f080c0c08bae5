"""The group file of 共同利用: a small TOML file listing the bodies that share one system.

::

    # 〇〇町村 共同利用グループ
    name = "〇〇郡 共同利用"          # optional

    [[body]]
    name = "A町"
    db = "a-town/fitgap.db"           # a path relative to this file …

    [[body]]
    name = "B村"
    db = "postgresql+psycopg://fitgap@db.example.lg.jp/b_village"   # … or a SQLAlchemy URL

Reading it opens no database: whether each ``db`` is there and is a fitgap database is checked when it is
opened (services.group).
"""

from __future__ import annotations

import tomllib
import unicodedata
from pathlib import Path
from typing import Any

from fitgap.domain.body_group import Body, Group
from fitgap.errors import InvalidInputError, NotFoundError

EXAMPLE = '[[body]]\nname = "A町"\ndb = "a-town/fitgap.db"'
_HINT = f"団体ごとに [[body]] の表を書き、name（団体名）と db（データベースのパスまたは URL）を指定してください。例:\n{EXAMPLE}"


def read_group(path: Path) -> Group:
    """The bodies of the group file at ``path``; refuses a missing or unreadable file, bad TOML, a body
    without name or db, and two bodies of one name (or one database)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise NotFoundError(f"グループファイル {path} がありません。",
                            f"パスを確かめるか、次のような TOML ファイルを作成してください。\n{EXAMPLE}") from exc
    except IsADirectoryError as exc:
        raise InvalidInputError(f"{path} はフォルダです。グループファイル（TOML）を指定してください。") from exc
    except OSError as exc:
        raise InvalidInputError(f"グループファイル {path} を読めません（{exc.strerror or exc}）。",
                                "ファイルの権限を確かめてください。") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"グループファイル {path} は UTF-8 のテキストではありません。",
                                "UTF-8 で保存し直してください。") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInputError(f"グループファイル {path} は TOML として読めません（{exc}）。", _HINT) from exc
    bodies = data.get("body")
    if not isinstance(bodies, list) or not bodies:
        raise InvalidInputError(f"グループファイル {path} に団体（[[body]]）がありません。", _HINT)
    found: list[Body] = []
    names: dict[str, int] = {}
    urls: dict[str, int] = {}
    for n, entry in enumerate(bodies, start=1):
        body = _body(path, n, entry)
        key = unicodedata.normalize("NFKC", body.name).casefold()
        if key in names:
            raise InvalidInputError(
                f"グループファイル {path} の団体名「{body.name}」が重複しています（{names[key]} 番目と {n} 番目の [[body]]）。",
                "団体ごとに異なる name を付けてください。")
        if body.url in urls:
            raise InvalidInputError(
                f"グループファイル {path} の {urls[body.url]} 番目と {n} 番目の [[body]] が同じデータベース（{body.source}）です。",
                "団体ごとにその団体のデータベースを db に指定してください。")
        names[key], urls[body.url] = n, n
        found.append(body)
    if len(found) < 2:
        raise InvalidInputError(f"グループファイル {path} の団体が 1 つだけです。比較には 2 団体以上が必要です。", _HINT)
    return Group(path=str(path), bodies=tuple(found))


def _body(path: Path, n: int, entry: Any) -> Body:
    where = f"グループファイル {path} の {n} 番目の [[body]]"
    if not isinstance(entry, dict):
        raise InvalidInputError(f"{where} が表になっていません。", _HINT)
    name, db = entry.get("name"), entry.get("db")
    missing = [k for k, v in (("name", name), ("db", db)) if not isinstance(v, str) or not v.strip()]
    if missing:
        raise InvalidInputError(f"{where} に {'・'.join(missing)} がありません（文字列で指定）。", _HINT)
    assert isinstance(name, str) and isinstance(db, str)
    db = db.strip()
    if "://" in db:
        url = db
    else:
        file = Path(db).expanduser()
        if not file.is_absolute():
            file = path.resolve().parent / file
        url = f"sqlite:///{file.resolve()}"
    return Body(name=" ".join(name.split()), url=url, source=db)
