"""The six source systems of the demo council, each rendering the town its own way.

What each system knows, and how stale it is, follows how such systems are run: the electoral register is
canvassed every year; library members rarely tell the library they have moved or married; the rates system is
keyed to the property and bills its owner, wherever the owner lives; the contact centre creates a new contact
when it cannot find the old one.
"""

from __future__ import annotations

import datetime as dt

from .extracts import Extract, Rendered, Renderer, TruthRow, gazetteer_extract
from .generate import stream
from .geography import NO_FIXED_ADDRESS, PSEUDO_REFERENCE
from .model import REFERENCE_DATE, Address, Person, RatesAccount, Town
from .noise import Noise


def ddmmyyyy(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


class Rates(Renderer):
    """Revenues: one account per property and liable owner, live accounts and those closed in the last three
    years. Companies and trusts pay too; landlords who live elsewhere get their bills at a mailing address."""

    system = "rates"
    key_column = "account_ref"
    columns = (
        "account_ref",
        "ratepayer_name",
        "ratepayer_type",
        "uprn",
        "prop_addr_1",
        "prop_addr_2",
        "prop_town",
        "prop_postcode",
        "mail_address",
        "mail_postcode",
        "liability_start",
        "liability_end",
        "account_status",
        "rateable_value",
        "email",
        "phone",
    )

    def render(self) -> None:
        cutoff = REFERENCE_DATE - _days(3 * 365)
        accounts = [a for a in self.town.rates_accounts if a.end is None or a.end >= cutoff]
        accounts.sort(key=lambda a: (a.start, a.property_ref, a.payer_id))
        number = 4_000_000
        for account in accounts:
            number += self.rng.randint(1, 9)
            self.render_account(f"{number:08d}", account)
        self.extract.rows.sort(key=lambda row: row["account_ref"])

    def render_account(self, key: str, account: RatesAccount) -> None:
        prop = self.town.property_by_ref[account.property_ref]
        person = self.town.person_by_id.get(account.payer_id)
        status = "Closed" if account.end else "Live"
        if person is not None:
            name, mail = self.person_name(person, account), self.mail_address(person, prop.reference)
            payer_type = "Individual"
            if person.dod and not account.end:
                status = "Deceased"
        else:
            org = self.town.organisation_by_id[account.payer_id]
            name, payer_type = org.name, "Organisation"
            mail = org.address if org.address.reference != prop.reference else None
        value = {"dwelling": 180, "non_residential": 900, "shared": 2400}.get(prop.kind, 0)
        row = {
            "account_ref": key,
            "ratepayer_name": name,
            "ratepayer_type": payer_type,
            "uprn": prop.reference,
            "prop_addr_1": prop.line_1,
            "prop_addr_2": prop.line_2,
            "prop_town": prop.locality,
            "prop_postcode": prop.postcode,
            "mail_address": mail.one_line() if mail else "",
            "mail_postcode": mail.postcode if mail else "",
            "liability_start": account.start.strftime("%d-%b-%Y"),
            "liability_end": account.end.strftime("%d-%b-%Y") if account.end else "",
            "account_status": status,
            "rateable_value": str(value * self.rng.randint(80, 160)),
        }
        # Ratepayers who signed up for e-billing or direct debit left an email address or a phone number.
        row["email"], row["phone"] = self.contact_details(person, email=0.35, phone=0.35) if person else ("", "")
        self.emit(row, account.payer_id, entity="person" if person else "organisation")

    def person_name(self, person: Person, account: RatesAccount) -> str:
        """Billing names are legal names, taken when the account opened and seldom changed since."""
        as_of = account.start if self.noise.chance(0.7) else REFERENCE_DATE
        if person.surname_on(as_of) != person.surname:
            self.noise.note("old_surname")
        surname = self.noise.surname(person.surname_on(as_of), typo=0.012, ascii_only=True)
        first = self.noise.first_name(person.first_name, "", informal=0, typo=0.01, ascii_only=True)
        style = self.rng.random()
        if style < 0.4:
            return f"{surname.upper()}, {first}"
        if style < 0.75:
            return f"{first} {surname}"
        if style < 0.85:
            self.noise.note("initial_only")
            return f"{first[0]} {surname}"
        if style < 0.95 and person.middle_names:
            return f"{first} {person.middle_names[0]} {surname}"
        return f"{surname.upper()}, {first.upper()} {person.middle_names.upper()}".strip()

    def mail_address(self, person: Person, property_ref: str) -> Address | None:
        """Where a landlord's bills go: their home. A deceased landlord's account keeps it, bills going to the
        estate there, until an executor gives another."""
        home = person.residence.address
        if home.reference == property_ref:
            return None
        return home


class Electoral(Renderer):
    """Electoral services: adults entitled to vote, canvassed each year, with their polling district number."""

    system = "electoral"
    key_column = "elector_number"
    columns = (
        "elector_number",
        "forename",
        "surname",
        "dob",
        "address",
        "postcode",
        "uprn",
        "registered_on",
        "open_register",
        "email",
        "telephone",
    )

    def render(self) -> None:
        entries: list[tuple[str, str, Person, Address, dt.date]] = []
        for person in self.town.people:
            entry = self.registration(person)
            if entry is not None:
                address, since = entry
                prop = self.town.property_by_ref[address.reference]
                district = f"{prop.ward[:1]}{'A' if int(prop.postcode[4]) % 2 else 'B'}" if prop.postcode else "RZ"
                entries.append((district, address.reference, person, address, since))
        entries.sort(key=lambda e: (e[0], e[1], e[2].id))
        counters: dict[str, int] = {}
        for district, _, person, address, since in entries:
            counters[district] = counters.get(district, 0) + 1
            if address.reference != person.residence.address.reference:
                self.noise.note("registered_at_previous_address")
            self.render_elector(f"{district}-{counters[district]:04d}", person, address, since)

    def registration(self, person: Person) -> tuple[Address, dt.date] | None:
        """Where the person is registered, if anywhere: adults only, and never somebody who lives elsewhere."""
        if person.outside or not person.eligible_elector or person.age_on(REFERENCE_DATE) < 18:
            return None
        if person.dod and person.dod < REFERENCE_DATE - _days(45):
            return None  # deaths are taken off within weeks; the most recent are still on
        if person.homeless == "nfa" or (person.homeless and self.noise.chance(0.7)):
            return None
        if not self.noise.chance(0.94):
            return None
        residence = person.residence
        adult_from = person.dob.replace(year=person.dob.year + 18, day=min(person.dob.day, 28))
        if (REFERENCE_DATE - residence.since).days < 270 and self.noise.chance(0.35):
            earlier = person.residence_on(residence.since - _days(1))
            if earlier is residence or not earlier.address.reference:
                return None  # arrived from elsewhere and not yet registered
            residence = earlier
        registered = min(max(residence.since, adult_from) + _days(self.rng.randint(0, 60)), REFERENCE_DATE)
        return residence.address, registered

    def render_elector(self, key: str, person: Person, address: Address, registered: dt.date) -> None:
        noise = self.noise
        as_of = REFERENCE_DATE - _days(self.rng.randint(0, 330))
        forename = noise.first_name(person.first_name, "", informal=0, typo=0.006)
        if person.middle_names and noise.chance(0.6):
            forename = f"{forename} {person.middle_names}"
        surname = noise.surname(person.surname_on(as_of), typo=0.006)
        if person.surname_on(as_of) != person.surname:
            noise.note("old_surname")
        dob = noise.date_of_birth(person.dob, missing=0.02, transposed=0.01, wrong_year=0.003)
        row = {
            "elector_number": key,
            "forename": forename,
            "surname": surname.upper(),
            "dob": ddmmyyyy(dob),
            "address": noise.address_line(address, abbreviate=0.05, locality=1.0, typo=0.004),
            "postcode": noise.postcode(address.postcode, missing=0.005, squashed=0.0, typo=0.002),
            "uprn": address.reference if noise.chance(0.95) else "",
            "registered_on": ddmmyyyy(registered),
            "open_register": "N" if noise.chance(0.6) else "Y",
        }
        # Registration forms and the annual canvass ask for an email address and a phone number (optional).
        row["email"], row["telephone"] = self.contact_details(person, email=0.45, phone=0.35)
        self.emit(row, person.id, notes=["deceased"] if person.dod else [])


class Library(Renderer):
    """Libraries: members of every age; children's cards carry a parent's contact details; addresses and names
    are as they were when the member joined, unless the member thought to say."""

    system = "library"
    key_column = "borrower_id"
    columns = (
        "borrower_id",
        "first_name",
        "last_name",
        "date_of_birth",
        "email",
        "phone",
        "address",
        "postcode",
        "joined",
        "category",
        "status",
    )

    def render(self) -> None:
        members: list[tuple[dt.date, str, Person, bool]] = []
        twin_joined: dict[str, dt.date] = {}
        for person in self.town.people:
            age = person.age_on(REFERENCE_DATE)
            chance = 0.6 if age < 18 else 0.36 if age >= 65 else 0.26
            if person.twin_of:
                chance = 0.85  # twins are signed up together, on the same day
            if person.outside or person.homeless == "nfa" or age < 4 or not self.noise.chance(chance):
                continue
            earliest = max(
                person.dob.replace(year=person.dob.year + 4, day=min(person.dob.day, 28)), dt.date(2001, 1, 1)
            )
            latest = min(person.dod or REFERENCE_DATE, REFERENCE_DATE) - _days(1)
            joined = earliest + _days(self.rng.randint(0, max((latest - earliest).days, 0)))
            joined = twin_joined.setdefault(min(person.id, person.twin_of or person.id), joined)
            members.append((joined, person.id, person, False))
            if age >= 18 and self.noise.chance(0.025):  # lost card, joined again, nobody found the first record
                rejoined = joined + _days(self.rng.randint(200, 3000))
                if rejoined < latest:
                    members.append((rejoined, person.id, person, True))
        members.sort(key=lambda m: (m[0], m[1], m[3]))
        for index, (joined, _, person, again) in enumerate(members):
            self.render_member(f"L{2_100_000 + index * 7 + self.rng.randint(0, 6)}", person, joined, again)

    def contact_source(self, person: Person) -> Person:
        if person.age_on(REFERENCE_DATE) >= 16 or person.household is None:
            return person
        members = [self.town.person_by_id[m] for m in self.town.households[person.household - 1].members]
        adults = [m for m in members if m.age_on(REFERENCE_DATE) >= 18]
        return adults[0] if adults else person

    def render_member(self, key: str, person: Person, joined: dt.date, again: bool) -> None:
        noise = self.noise
        as_of = (
            joined if noise.chance(0.6) else joined + _days(self.rng.randint(0, max((REFERENCE_DATE - joined).days, 0)))
        )
        address = person.residence_on(as_of).address
        if address.reference != person.residence.address.reference:
            noise.note("old_address")
        if person.surname_on(as_of) != person.surname:
            noise.note("old_surname")
        child = person.age_on(REFERENCE_DATE) < 18
        contact = self.contact_source(person)
        dob = noise.date_of_birth(person.dob, missing=0.02 if child else 0.12, transposed=0.015, wrong_year=0.005)
        status = "Active" if as_of >= REFERENCE_DATE - _days(730) else "Expired"
        if person.dod and noise.chance(0.45):
            status = "Deceased"
        age = person.age_on(REFERENCE_DATE)
        row = {
            "borrower_id": key,
            "first_name": noise.first_name(person.first_name, person.nickname, informal=0.6, typo=0.02),
            "last_name": noise.surname(person.surname_on(as_of), typo=0.02),
            "date_of_birth": iso(dob),
            "email": noise.email(contact.email, missing=0.2),
            "phone": noise.phone(contact.mobile or contact.phone, missing=0.3),
            "address": self.address_text(address),
            "postcode": noise.postcode(address.postcode, missing=0.03),
            "joined": iso(joined),
            "category": "Child" if age < 18 else "Senior" if age >= 65 else "Adult",
            "status": status,
        }
        notes = [
            n
            for n, on in (("deceased", person.dod), ("second_card", again), ("parent_contact", contact is not person))
            if on
        ]
        self.emit(row, person.id, notes=notes)

    def address_text(self, address: Address) -> str:
        if address.reference == PSEUDO_REFERENCE:
            return NO_FIXED_ADDRESS
        return self.noise.address_line(address, abbreviate=0.3, locality=0.6, typo=0.015)


class Animals(Renderer):
    """Animal registration: one registration per animal, so an owner with two dogs appears twice; no dates of
    birth are asked for."""

    system = "animals"
    key_column = "registration_no"
    columns = (
        "registration_no",
        "owner_first",
        "owner_last",
        "owner_phone",
        "address",
        "postcode",
        "animal_type",
        "animal_name",
        "registered",
        "status",
    )

    def render(self) -> None:
        registrations: list[tuple[dt.date, str, int, Person]] = []
        for person in self.town.people:
            for index, _pet in enumerate(person.pets):
                # Most registrations were renewed this year; the rest lapsed, some of them at an earlier address.
                latest = min(person.dod or REFERENCE_DATE, REFERENCE_DATE) - _days(1)
                if self.noise.chance(0.7):
                    earliest = max(person.residence.since, latest - _days(364))
                else:
                    earliest = max(person.residence.since - _days(3 * 365), REFERENCE_DATE - _days(8 * 365))
                    latest = max(earliest, latest - _days(365))
                day = earliest + _days(self.rng.randint(0, max((latest - earliest).days, 0)))
                registrations.append((max(day, person.dob), person.id, index, person))
        registrations.sort(key=lambda r: (r[0], r[1], r[2]))
        counters: dict[int, int] = {}
        for day, _, index, person in registrations:
            counters[day.year] = counters.get(day.year, 0) + 1
            kind, name = person.pets[index]
            self.render_registration(f"{kind[0]}{day.year}-{counters[day.year]:05d}", person, kind, name, day)

    def render_registration(self, key: str, person: Person, kind: str, name: str, day: dt.date) -> None:
        noise = self.noise
        address = person.residence_on(day).address
        if address.reference != person.residence.address.reference:
            noise.note("old_address")
        if person.surname_on(day) != person.surname:
            noise.note("old_surname")
        row = {
            "registration_no": key,
            "owner_first": noise.first_name(person.first_name, person.nickname, informal=0.5, typo=0.02),
            "owner_last": noise.surname(person.surname_on(day), typo=0.02),
            "owner_phone": noise.phone(person.mobile or person.phone, missing=0.15),
            "address": noise.address_line(address, abbreviate=0.3, locality=0.5, typo=0.015),
            "postcode": noise.postcode(address.postcode, missing=0.05),
            "animal_type": kind,
            "animal_name": name,
            "registered": ddmmyyyy(day),
            "status": "Current" if day >= REFERENCE_DATE - _days(365) else "Lapsed",
        }
        self.emit(row, person.id, notes=["deceased"] if person.dod else [])


class Crm(Renderer):
    """The contact centre: whoever has phoned, written or walked in since 2016, in one name field, often without
    an address; when an adviser cannot find someone they create them again.

    Before an adviser discusses an account (council tax, benefits, a tenancy, a care package) the caller passes an
    identity check: name, address and date of birth, as data protection requires. Council CRMs keep the date of
    birth on the contact once it has been asked for. So a contact carries one when the caller was verified: most
    phone calls and visits, fewer web forms (where the form asks for it) and few emails, which are mostly general
    enquiries. A date of birth is typed by the adviser from what the caller says, so it suffers the same slips as
    elsewhere (day and month swapped, a wrong year). See docs/decisions/0010-contact-centre-verifies-callers.md.
    """

    system = "crm"
    key_column = "case_contact_id"
    columns = (
        "case_contact_id",
        "name",
        "email",
        "phone",
        "address",
        "postcode",
        "date_of_birth",
        "first_contact",
        "channel",
        "deceased",
    )

    # Share of contacts, by channel, that passed identity verification and so have a date of birth on record.
    VERIFIED_SHARE = {"Phone": 0.75, "Walk-in": 0.8, "Web form": 0.5, "Email": 0.2}
    # Of the calls whose number the first draw left off, the share whose number the telephony did show: with the
    # 25% first left off, one call in ten ends with no number (withheld).
    CALLER_NUMBER_KEPT = 0.6

    def __init__(self, town: Town) -> None:
        super().__init__(town)
        # A stream of its own, so that adding the date of birth left every other value of the extract as it was.
        self.verification = Noise(stream(town.seed, "extract:crm:verification"))

    def render(self) -> None:
        contacts: list[tuple[dt.datetime, str, Person, bool]] = []
        for person in self.town.people:
            if person.age_on(REFERENCE_DATE) < 18 or not self.noise.chance(self.contact_chance(person)):
                continue
            earliest = max(
                person.dob.replace(year=person.dob.year + 18, day=min(person.dob.day, 28)), dt.date(2016, 1, 4)
            )
            latest = min(person.dod or REFERENCE_DATE, REFERENCE_DATE) - _days(1)
            for again in (False, True):
                if again and not self.noise.chance(0.12):
                    break
                day = earliest + _days(self.rng.randint(0, max((latest - earliest).days, 0)))
                moment = dt.datetime(day.year, day.month, day.day, self.rng.randint(8, 17), self.rng.randint(0, 59))
                contacts.append((moment, person.id, person, again))
        contacts.sort(key=lambda c: (c[0], c[1], c[3]))
        for index, (moment, _, person, again) in enumerate(contacts):
            self.render_contact(f"CC{300_000 + index:06d}", person, moment, again)

    @staticmethod
    def contact_chance(person: Person) -> float:
        if person.homeless or person.care:
            return 0.85
        if person.social_tenant or "landlord" in person.traits:
            return 0.6
        return 0.42

    def render_contact(self, key: str, person: Person, moment: dt.datetime, again: bool) -> None:
        noise = self.noise
        as_of = moment.date() if noise.chance(0.75) else REFERENCE_DATE
        address = person.residence_on(as_of).address
        if address.reference != person.residence.address.reference:
            noise.note("old_address")
        surname = person.surname_on(as_of)
        if surname != person.surname:
            noise.note("old_surname")
        first = noise.first_name(person.first_name, person.nickname, informal=0.55, typo=0.03)
        last = noise.surname(surname, typo=0.03)
        style = self.rng.random()
        if style < 0.05:
            name = f"{last}, {first}"
        elif style < 0.07 and person.middle_names:
            name = f"{first} {person.middle_names} {last}"
        else:
            name = f"{first} {last}"
        if address.reference == PSEUDO_REFERENCE:
            address_text, postcode = (NO_FIXED_ADDRESS if noise.chance(0.5) else ""), ""
        elif noise.chance(0.2):
            noise.note("address_missing")
            address_text, postcode = "", noise.postcode(address.postcode, missing=0.5)
        else:
            address_text = noise.address_line(address, abbreviate=0.3, locality=0.3, typo=0.02)
            postcode = noise.postcode(address.postcode, missing=0.12, squashed=0.15)
        row = {
            "case_contact_id": key,
            "name": name,
            "email": noise.email(person.email, missing=0.35),
            "phone": noise.phone(person.mobile or person.phone, missing=0.25),
            "address": address_text,
            "postcode": postcode,
            "first_contact": moment.strftime("%Y-%m-%dT%H:%M:%S"),
            "channel": self.rng.choice(("Phone", "Phone", "Phone", "Email", "Web form", "Walk-in")),
            "deceased": "Y" if person.dod and moment.date() < person.dod and noise.chance(0.4) else "",
        }
        row["date_of_birth"] = iso(self.verified_date_of_birth(person, row["channel"]))
        self.contact_details_by_channel(row, person)
        self.emit(row, person.id, notes=[n for n, on in (("deceased", person.dod), ("duplicate_contact", again)) if on])

    def contact_details_by_channel(self, row: dict[str, str], person: Person) -> None:
        """What the channel itself leaves on the case: an email or web form is answered at the address it came
        from, and a call shows the caller's number unless they withheld it (decision 0013)."""
        channel = row["channel"]
        if channel in ("Email", "Web form") and person.email:
            row["email"] = person.email
        elif channel == "Phone" and not row["phone"]:
            row["phone"] = self.contact_details(person, email=0.0, phone=self.CALLER_NUMBER_KEPT)[1]

    def verified_date_of_birth(self, person: Person, channel: str) -> dt.date | None:
        """The date of birth the caller gave at the identity check, if there was one, as the adviser typed it."""
        verification = self.verification
        dob = None
        if verification.chance(self.VERIFIED_SHARE[channel]):
            dob = verification.date_of_birth(person.dob, missing=0.0, transposed=0.01, wrong_year=0.005)
        else:
            verification.note("dob_missing")
        self.take_notes(verification)
        return dob


class Housing(Renderer):
    """Housing and community care: the housing trust's tenants, people the council supports at home or in a care
    home, and people who are homeless, some of them of no fixed address."""

    system = "housing"
    key_column = "client_ref"
    columns = (
        "client_ref",
        "given_names",
        "family_name",
        "dob",
        "current_address",
        "postcode",
        "uprn",
        "support_type",
        "opened",
        "case_status",
        "date_of_death",
        "contact_phone",
        "contact_email",
    )

    def render(self) -> None:
        clients = [p for p in self.town.people if p.social_tenant or p.care or p.homeless]
        opened = {p.id: self.opened(p) for p in clients}
        clients.sort(key=lambda p: (opened[p.id], p.id))
        for index, person in enumerate(clients):
            self.render_client(f"HC{10_000 + index * 3 + self.rng.randint(0, 2):06d}", person, opened[person.id])

    def opened(self, person: Person) -> dt.date:
        since = max(person.residence.since, dt.date(1999, 6, 1))  # cases before the system began were migrated
        latest = min(person.dod or REFERENCE_DATE, REFERENCE_DATE) - _days(1)
        return min(since + _days(self.rng.randint(0, 90)), latest)

    def support(self, person: Person) -> str:
        if person.homeless == "nfa":
            return self.rng.choice(("Homelessness support", "Rough sleeping outreach"))
        if person.homeless:
            return "Temporary accommodation"
        kinds = [
            kind for kind, on in (("Social housing tenancy", person.social_tenant), (person.care, person.care)) if on
        ]
        return "; ".join(kinds)

    def render_client(self, key: str, person: Person, opened: dt.date) -> None:
        noise = self.noise
        address = person.residence.address
        given = noise.first_name(person.first_name, person.nickname, informal=0.1, typo=0.01)
        if person.middle_names and noise.chance(0.7):
            given = f"{given} {person.middle_names}"
        status, died = "Open", None
        if person.dod and noise.chance(0.6):
            status, died = "Closed - deceased", person.dod
        nfa = address.reference == PSEUDO_REFERENCE
        row = {
            "client_ref": key,
            "given_names": given,
            "family_name": noise.surname(person.surname, typo=0.01),
            "dob": ddmmyyyy(noise.date_of_birth(person.dob, missing=0.03, transposed=0.01, wrong_year=0.003)),
            "current_address": NO_FIXED_ADDRESS
            if nfa
            else noise.address_line(address, abbreviate=0.1, locality=0.7, typo=0.01),
            "postcode": "" if nfa else noise.postcode(address.postcode, missing=0.02),
            "uprn": address.reference if nfa or noise.chance(0.9) else "",
            "support_type": self.support(person),
            "opened": ddmmyyyy(opened),
            "case_status": status,
            "date_of_death": ddmmyyyy(died),
        }
        # Tenancy and support officers keep a number they can reach their client on, and often an email.
        row["contact_email"], row["contact_phone"] = self.contact_details(person, email=0.5, phone=0.85)
        self.emit(row, person.id, notes=[n for n, on in (("deceased", person.dod), ("no_fixed_address", nfa)) if on])


RENDERERS: tuple[type[Renderer], ...] = (Rates, Electoral, Library, Animals, Crm, Housing)


def extracts_render(town: Town) -> Rendered:
    """Every system's extract of the town, the gazetteer, and the ground truth; the same town gives the same
    bytes every time."""
    extracts: dict[str, Extract] = {}
    truth: list[TruthRow] = []
    for renderer_class in RENDERERS:
        renderer = renderer_class(town)
        renderer.render()
        extracts[renderer.system] = renderer.extract
        truth.extend(renderer.truth)
    truth.sort(key=lambda t: (t.source_system, t.source_key))
    return Rendered(gazetteer=gazetteer_extract(town), extracts=extracts, truth=truth)
