"""`tellus resolve` after a linked record changed: scored again against the rest of its person, then kept, sent to
review or split off. The records change the way they do in practice: a later extract re-imported with `import_extract`
(an elector number reused for someone else, a typo put right)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Q

from tellus.demo.build import MAPPINGS_DIR, Reporter, demo_build
from tellus.linkage.changed import REVIEW_REASON, SPLIT_REASON, STAFF_REASON
from tellus.linkage.engine.cluster import levenshtein
from tellus.linkage.models import CandidatePair, PersonMerge, RecordSplit, ResolutionRun
from tellus.linkage.resolution import resolve
from tellus.linkage.services import pair_decide, persons_merge
from tellus.people.importing import import_extract, load_mapping
from tellus.people.models import SOURCE_RECORD_OBJECT_TYPE, Person, SourceRecord, SourceSystem
from tellus.privacy.models import AuditAction, AuditEvent, Purpose, User
from tellus.privacy.services import Actor

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")
# Someone who lives nowhere in the demo town.
STRANGER = {
    "forename": "Zebulon",
    "surname": "QUARTERMAINE",
    "dob": "03/02/1931",
    "address": "99 Nowhere Lane, Farborough",
    "postcode": "ZZ9 9ZZ",
    "uprn": "",
    "email": "",
    "telephone": "",
}


@pytest.fixture
def town(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    demo_build(people=160, seed=7, reporter=Reporter(io.StringIO()))
    # The demo's Tell us once stage adds people's own copies after the demo's resolve: settle them first, so each
    # test starts from a town with nothing left to evaluate.
    resolve(actor=Actor.system("tests"))


def reimport_electoral(record: SourceRecord, tmp_path: Path, **changes: str) -> None:
    """The electoral register extracted again with one elector's row changed, and imported as staff would."""
    source = Path(settings.VAR_DIR) / "demo" / "extracts" / "electoral.csv"
    with open(source, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = [row | changes if row["elector_number"] == record.source_key else row for row in reader]
    changed = tmp_path / "electoral-again.csv"
    with open(changed, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    summary = import_extract(
        source_system=SourceSystem.objects.get(name="electoral"),
        path=changed,
        mapping=load_mapping(MAPPINGS_DIR / "electoral.toml"),
        actor=ACTOR,
    )
    assert summary.updated == 1 and summary.created == 0


def linked_elector() -> SourceRecord:
    """An elector whose person has one other record, linked to it strongly: the same name, date of birth and
    postcode."""
    for pair in CandidatePair.objects.filter(
        status=CandidatePair.Status.AUTO_LINKED, match_probability__gt=0.999
    ).select_related("record_l__source_system", "record_r__source_system"):
        for record, other in ((pair.record_l, pair.record_r), (pair.record_r, pair.record_l)):
            if (
                record.source_system.name == "electoral"
                and record.person_id == other.person_id
                and SourceRecord.objects.filter(person_id=record.person_id).count() == 2
                and record.date_of_birth is not None
                and record.date_of_birth == other.date_of_birth
                and record.last_name_normalised == other.last_name_normalised
                and record.postcode
                and record.postcode == other.postcode
                and len(record.first_name.split()[0]) >= 5
            ):
                return record
    raise AssertionError("the demo town has no such elector")


def pairs_of(record: SourceRecord, status: CandidatePair.Status) -> list[CandidatePair]:
    return list(CandidatePair.objects.filter(Q(record_l=record) | Q(record_r=record), status=status))


def split_audit(record: SourceRecord) -> AuditEvent:
    return AuditEvent.objects.get(
        object_type=SOURCE_RECORD_OBJECT_TYPE,
        object_id=str(record.pk),
        action=AuditAction.UPDATE,
        context__has_key="split",
    )


def test_a_reused_elector_number_for_someone_else_is_split_off_its_old_person(town: None, tmp_path: Path) -> None:
    record = linked_elector()
    person = record.person
    assert person is not None
    others = set(person.source_records.exclude(pk=record.pk).values_list("pk", flat=True))
    reimport_electoral(record, tmp_path, **STRANGER)
    out = io.StringIO()

    call_command("resolve", stdout=out)

    record.refresh_from_db()
    assert record.person_id != person.pk
    assert set(person.source_records.values_list("pk", flat=True)) == others
    assert record.person is not None and record.person.display_name == "Zebulon Quartermaine"
    split = RecordSplit.objects.get(record=record)
    assert (split.from_person_id, split.to_person_id) == (person.pk, record.person_id)
    audit = split_audit(record)
    assert audit.actor is None and audit.actor_label == "tellus resolve"
    assert audit.context["reason"] == SPLIT_REASON
    # The machine's split is not a staff decision: nothing is marked rejected, and no old link is left standing.
    assert not CandidatePair.objects.filter(status=CandidatePair.Status.REJECTED).exists()
    assert pairs_of(record, CandidatePair.Status.AUTO_LINKED) == []
    run = ResolutionRun.objects.order_by("-pk").first()
    assert run is not None and run.incremental
    assert run.stats["changed_records_rescored"] == 1 and run.stats["changed_records_split_off"] == 1
    text = out.getvalue()
    assert "Changed records scored again against the rest of their person: 1; split off" in text
    assert "nothing links them any more): 1" in text


def test_a_reused_elector_number_joins_the_person_the_new_details_describe(town: None, tmp_path: Path) -> None:
    record = linked_elector()
    old_person = record.person_id
    someone_else = (
        SourceRecord.objects.filter(source_system__name="electoral", date_of_birth__isnull=False)
        .exclude(person_id=old_person)
        .exclude(last_name_normalised=record.last_name_normalised)
        .exclude(postcode=record.postcode)
        .exclude(postcode="")
        .order_by("pk")
        .first()
    )
    assert someone_else is not None and someone_else.date_of_birth is not None
    reimport_electoral(
        record,
        tmp_path,
        forename=someone_else.first_name,
        surname=someone_else.last_name.upper(),
        dob=someone_else.date_of_birth.strftime("%d/%m/%Y"),
        address=someone_else.address,
        postcode=someone_else.postcode,
        uprn="",
        email=someone_else.email,
        telephone=someone_else.phone,
    )

    resolve(actor=ACTOR)

    record.refresh_from_db()
    someone_else.refresh_from_db()
    assert record.person_id != old_person
    assert record.person_id == someone_else.person_id
    assert RecordSplit.objects.filter(record=record, from_person_id=old_person).exists()


def test_a_typo_put_right_leaves_the_record_on_its_person(town: None, tmp_path: Path) -> None:
    record = linked_elector()
    person = record.person_id
    forename = record.first_name.split()[0]
    fixed = forename[:2] + forename[3] + forename[2] + forename[4:]  # two letters the other way round
    reimport_electoral(record, tmp_path, forename=" ".join([fixed, *record.first_name.split()[1:]]))
    out = io.StringIO()

    call_command("resolve", stdout=out)

    record.refresh_from_db()
    assert record.first_name.startswith(fixed)
    assert record.person_id == person
    assert not RecordSplit.objects.exists()
    run = ResolutionRun.objects.order_by("-pk").first()
    assert run is not None
    assert run.stats["changed_records_rescored"] == 1
    assert run.stats["changed_records_split_off"] == 0 and run.stats["changed_records_sent_for_review"] == 0
    assert "Changed records scored again against the rest of their person: 1; split off" in out.getvalue()
    assert pairs_of(record, CandidatePair.Status.AUTO_LINKED)


def test_a_record_that_now_only_possibly_matches_its_person_goes_to_review_and_stays(
    town: None, tmp_path: Path
) -> None:
    """Same name and address, a date of birth decades away: a namesake relative, or a mistyped year. A caseworker
    decides; meanwhile the record stays where it was."""
    record = linked_elector()
    person = record.person_id
    assert record.date_of_birth is not None
    born = record.date_of_birth
    older = dt.date(born.year - 37, 1 if born.month > 1 else 2, 28 if born.day != 28 else 27)
    assert levenshtein(born.isoformat(), older.isoformat()) > 2  # clearly different, not a typo
    reimport_electoral(record, tmp_path, dob=older.strftime("%d/%m/%Y"))

    run = resolve(actor=ACTOR)

    record.refresh_from_db()
    assert record.person_id == person
    assert not RecordSplit.objects.exists()
    [held] = [
        pair
        for pair in pairs_of(record, CandidatePair.Status.REVIEW)
        if pair.record_l.person_id == pair.record_r.person_id == person
    ]
    assert held.held_because.startswith(REVIEW_REASON)
    assert "dates of birth clearly differ" in held.held_because
    assert run.stats["changed_records_sent_for_review"] == 1 and run.stats["changed_records_split_off"] == 0


def test_a_record_staff_confirmed_is_never_split_by_the_machine_but_goes_to_review(town: None, tmp_path: Path) -> None:
    record = linked_elector()
    person = record.person_id
    [pair] = pairs_of(record, CandidatePair.Status.AUTO_LINKED)
    caseworker = Actor.for_user(User.objects.get(username="caseworker"))
    pair_decide(pair=pair, decision=CandidatePair.Status.CONFIRMED, actor=caseworker, purpose=Purpose.CASEWORK)
    reimport_electoral(record, tmp_path, **STRANGER)

    run = resolve(actor=ACTOR)

    record.refresh_from_db()
    assert record.person_id == person
    assert not RecordSplit.objects.exists()
    # Its only other record is the one staff confirmed: that pair goes back in the queue, saying why.
    [waiting] = pairs_of(record, CandidatePair.Status.REVIEW)
    assert waiting.pk == pair.pk and waiting.held_because == STAFF_REASON
    assert waiting.decided_by is not None  # who confirmed it, and when, stay on the pair
    assert AuditEvent.objects.filter(
        object_id=str(pair.pk), action=AuditAction.UPDATE, changes__status=["confirmed", "review"]
    ).exists()
    assert run.stats["changed_records_sent_for_review"] == 1 and run.stats["changed_records_split_off"] == 0


def test_a_record_staff_put_back_after_the_machine_split_it_is_not_split_again(town: None, tmp_path: Path) -> None:
    record = linked_elector()
    person = Person.objects.get(pk=record.person_id)
    reimport_electoral(record, tmp_path, **STRANGER)
    resolve(actor=ACTOR)
    record.refresh_from_db()
    split_to = Person.objects.get(pk=record.person_id)
    assert split_to != person
    # A caseworker knows better (say the new details were typed onto the wrong account) and merges them back.
    caseworker = Actor.for_user(User.objects.get(username="caseworker"))
    persons_merge(
        survivor=person, absorbed=split_to, actor=caseworker, purpose=Purpose.CASEWORK, reason=PersonMerge.Reason.STAFF
    )
    reimport_electoral(record, tmp_path, **(STRANGER | {"forename": "Zebedee", "dob": "03/02/1932"}))

    run = resolve(actor=ACTOR)

    record.refresh_from_db()
    assert record.person_id == person.pk
    assert RecordSplit.objects.filter(record=record).count() == 1
    assert run.stats["changed_records_split_off"] == 0 and run.stats["changed_records_sent_for_review"] == 1
