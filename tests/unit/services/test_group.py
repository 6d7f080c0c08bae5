"""共同利用: three bodies' databases compared read-only — same version, one body on an older version, each kind
of disagreement, the figures, and the refusals of a group file or database that cannot be used."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from fitgap.domain.body_group import IssueKind
from fitgap.domain.enums import Kubun, Status
from fitgap.errors import DatabaseError, FitGapError, InvalidInputError, NotFoundError
from fitgap.services.database import open_db
from fitgap.services.group import compare_group, group_figures
from fitgap.storage.readiness import blocking_requirements
from tests.group_bodies import BODIES, OP, SPLIT, Built, build_bodies, rows_of


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_bodies(tmp_path_factory.mktemp("group"))


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.db"))}


def test_the_bodies_side_by_side_and_each_kind_of_disagreement(built: Built) -> None:
    before = _digests(built.folder)
    with compare_group(path=built.group, operation=OP) as c:
        assert c.names == list(BODIES)
        found = {(i.operation_code, i.kind, i.req_id): i for i in c.items()}
        figures = c.figures
    assert _digests(built.folder) == before  # read-only: not a byte of any body's database changed
    issues = {k: i.issues for k, i in found.items() if i.issues}
    assert issues == {tuple(built.status): (IssueKind.STATUS,),
                      tuple(built.disposition): (IssueKind.DISPOSITION,),
                      tuple(built.option): (IssueKind.OPTION,)}
    # the status item: B's gap decided 業務見直し disagrees with A and C's 適合 (and nobody else decided)
    item = found[tuple(built.status)]
    assert [a.status for a in item.answers if a] == [Status.FIT, Status.GAP, Status.FIT]
    assert item.label == "デモ版" and item.kubun == Kubun.MUST
    opt = found[tuple(built.option)]
    assert [a.detail for a in opt.answers if a] == [built.options[0], built.options[1], built.options[0]]
    assert [a.note for a in opt.answers if a] == ["body0 の判断", "body1 の判断", "body2 の判断"]
    assert not found[tuple(built.open_only)].issues  # a decision still open disagrees with nobody
    assert figures.compared == len(found) and figures.disagreements == 3 and figures.not_compared == 0
    assert figures.by_kind == {IssueKind.STATUS: 1, IssueKind.DISPOSITION: 1, IssueKind.OPTION: 1}
    assert [b.disagreements for b in figures.bodies] == [3, 3, 3]


def test_a_body_on_another_version_is_not_compared_with_the_others(built: Built) -> None:
    with compare_group(path=built.group, operation=SPLIT) as c:
        split = c.splits[SPLIT]
        assert split.labels == {"第2.0版": (0, 1), "デモ版": (2,)}
        assert split.compared == {"第2.0版": (0, 1)} and split.alone == {"デモ版": 2}
        items = list(c.items())
        figures = c.figures
    assert items and all(i.label == "第2.0版" and i.answers[2] is None for i in items)
    assert all(i.answers[0] is not None and i.answers[1] is not None for i in items)
    assert figures.not_compared == len(items)  # C's items: nobody on its version
    assert [b.compared for b in figures.bodies] == [len(items), len(items), 0]


def test_the_figures_per_body_and_for_the_group(built: Built) -> None:
    figures = group_figures(path=built.group)
    paths = [built.folder / f"body{i}.db" for i in range(3)]
    for body, path in zip(figures.bodies, paths, strict=True):
        total, reviewed = rows_of(path, "SELECT count(*), sum(CASE WHEN coalesce(a.status, '未確認') <> '未確認' "
                                      "THEN 1 ELSE 0 END) FROM requirement r LEFT JOIN assessment a ON "
                                      "a.operation_code = r.operation_code AND a.kind = r.kind AND a.req_id = r.req_id "
                                      "WHERE r.current = 1")[0]
        assert (body.requirements, body.reviewed) == (total, reviewed)
        assert body.reviewed_pct == pytest.approx(100 * reviewed / total)  # type: ignore[operator]
    # the open must-gaps are the readiness report's own (one SQL rule): each body's blocking 実装必須 gaps
    for body, path in zip(figures.bodies, paths, strict=True):
        assert body.open_must_gaps == _blocking_must_gaps(path)
    assert figures.open_must_gaps == sum(b.open_must_gaps for b in figures.bodies)
    assert figures.disagreements == 3
    assert figures.requirements == sum(b.requirements for b in figures.bodies)


def _blocking_must_gaps(path: Path) -> int:
    db = open_db(url=f"sqlite:///{path}")
    try:
        with db.read() as s:
            return sum(1 for r in blocking_requirements(session=s) if r.status == Status.GAP)
    finally:
        db.dispose()


def _group(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "group.toml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(("text", "words"), [
    ("[[body]\nname = 1", "TOML として読めません"),
    ('name = "x"\n', "団体（[[body]]）がありません"),
    ('[[body]]\nname = "A町"\n\n[[body]]\ndb = "b.db"\n', "1 番目の [[body]] に db がありません"),
    ('[[body]]\nname = "A町"\ndb = "a.db"\n\n[[body]]\nname = "Ａ町"\ndb = "b.db"\n', "団体名「Ａ町」が重複"),
    ('[[body]]\nname = "A町"\ndb = "a.db"\n\n[[body]]\nname = "B町"\ndb = "./a.db"\n', "同じデータベース"),
])
def test_a_group_file_that_cannot_be_used_is_refused_in_words(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(InvalidInputError) as exc:
        compare_group(path=_group(tmp_path, text))
    assert words in exc.value.message and exc.value.hint


def test_a_missing_group_file_or_database(tmp_path: Path, built: Built) -> None:
    with pytest.raises(NotFoundError, match="グループファイル"):
        compare_group(path=tmp_path / "none.toml")
    shutil.copy(built.folder / "body0.db", tmp_path / "a.db")
    g = _group(tmp_path, '[[body]]\nname = "A町"\ndb = "a.db"\n\n[[body]]\nname = "B村"\ndb = "sub/b.db"\n')
    with pytest.raises(DatabaseError) as exc:
        compare_group(path=g)
    assert "B村 のデータベース sub/b.db がありません" in exc.value.message and "相対パス" in (exc.value.hint or "")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.db").write_text("not a database", encoding="utf-8")
    with pytest.raises(DatabaseError, match="fitgap のデータベースではありません"):
        compare_group(path=g)
    (tmp_path / "sub" / "b.db").unlink()
    con = sqlite3.connect(tmp_path / "sub" / "b.db")
    con.execute("CREATE TABLE other (x)")
    con.close()
    with pytest.raises(DatabaseError, match="fitgap のデータベースではありません"):
        compare_group(path=g)


def test_an_older_database_is_refused_not_upgraded(tmp_path: Path, built: Built) -> None:
    shutil.copy(built.folder / "body0.db", tmp_path / "a.db")
    old = Path(__file__).parents[2] / "data" / "upgrade" / "schema3.db"
    shutil.copy(old, tmp_path / "b.db")
    before = (tmp_path / "b.db").read_bytes()
    g = _group(tmp_path, '[[body]]\nname = "A町"\ndb = "a.db"\n\n[[body]]\nname = "B村"\ndb = "b.db"\n')
    with pytest.raises(DatabaseError) as exc:
        compare_group(path=g)
    assert "B村 のデータベース b.db は古い版（スキーマ版 3）" in exc.value.message
    assert "fitgap --db b.db status" in (exc.value.hint or "")
    assert (tmp_path / "b.db").read_bytes() == before
    assert not (tmp_path / "b.db-wal").exists() or (tmp_path / "b.db-wal").stat().st_size == 0


def test_an_unknown_operation(built: Built) -> None:
    with pytest.raises(FitGapError, match="業務コード 999"):
        compare_group(path=built.group, operation="999")
