"""Tables of the city-wide mentoring programme and the incubation pipeline."""

from __future__ import annotations

from enum import Enum

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.readable import Readable

from accounts.table_base import Table
from accounts.tables import Commune, User
from contest.tables import Idea


class OrgKind(str, Enum):
    incubator = "incubator"
    university = "university"
    dost = "dost"  # Sở Khoa học và Công nghệ
    enterprise = "enterprise"
    other = "other"


class RequestStatus(str, Enum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    expired = "expired"
    cancelled = "cancelled"


class Stage(str, Enum):
    idea = "idea"
    prototype = "prototype"
    pilot = "pilot"
    launched = "launched"


class Organization(Table, tablename="mentor_organization"):
    name = Varchar(length=200)
    kind = Varchar(length=20, choices=OrgKind, default=OrgKind.other.value)
    website = Varchar(length=300, default="")
    description = Text(default="")

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])


class MentorProfile(Table, tablename="mentor_profile"):
    """A mentor's public profile (never their phone or email). Approved by organizers."""

    user = ForeignKey(references=User, on_delete=OnDelete.cascade, unique=True)
    organization = ForeignKey(references=Organization, null=True, on_delete=OnDelete.set_null)
    title = Varchar(length=200, default="", help_text="e.g. Giảng viên Trường Đại học Hải Phòng")
    bio = Text(default="")
    expertise = JSON(default="[]", help_text="Tags from the controlled list")
    free_tags = JSON(default="[]")
    sectors = JSON(default="[]")
    languages = JSON(default='["vi"]')
    stages = JSON(default="[]")
    capacity = Integer(default=2, help_text="Active mentees at most")
    availability = JSON(default="[]", help_text='Weekly slots, e.g. ["tue-evening", "sat-morning"]')
    mode = Varchar(length=20, default="any")  # online | in_person | any
    place = Varchar(length=200, default="")
    search_text = Text(default="")
    approved = Boolean(default=False)
    photo = Varchar(length=80, default="", help_text="Stored name of the profile photo (web copy)")
    created_at = Timestamptz(default=TimestamptzNow())

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.user.full_name])


class TeamNeed(Table, tablename="team_need"):
    """What a team (an idea in incubation, shortlisted or awarded) needs from a mentor."""

    idea = ForeignKey(references=Idea, on_delete=OnDelete.cascade, unique=True)
    needs = JSON(default="[]")
    sector = Varchar(length=60, default="")
    stage = Varchar(length=20, default="idea")
    languages = JSON(default='["vi"]')
    availability = JSON(default="[]")
    mode = Varchar(length=20, default="any")
    place = Varchar(length=200, default="")
    preferred = JSON(default="[]", help_text="Up to 3 mentor profile ids, in order")
    updated_at = Timestamptz(default=TimestamptzNow())


class MentoringRequest(Table, tablename="mentoring_request"):
    idea = ForeignKey(references=Idea, on_delete=OnDelete.cascade, index=True)
    mentor = ForeignKey(references=MentorProfile, on_delete=OnDelete.cascade, index=True)
    message = Text(default="")
    status = Varchar(length=20, choices=RequestStatus, default=RequestStatus.pending.value, index=True)
    reason = Text(default="", help_text="Why it was declined")
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    reminded_at = Timestamptz(null=True, default=None)
    responded_at = Timestamptz(null=True, default=None)


class Mentorship(Table, tablename="mentorship"):
    idea = ForeignKey(references=Idea, on_delete=OnDelete.cascade, index=True)
    mentor = ForeignKey(references=MentorProfile, on_delete=OnDelete.cascade, index=True)
    status = Varchar(length=20, default="active")  # active | completed
    source = Varchar(length=20, default="request")  # request | matching
    started_at = Timestamptz(default=TimestamptzNow())
    checkin_sent_at = Timestamptz(null=True, default=None)
    ended_at = Timestamptz(null=True, default=None)
    summary = Text(default="")

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s — %s", columns=[cls.idea.title, cls.mentor._.user.full_name])


class OfficeSlot(Table, tablename="office_slot"):
    """An office-hours slot a mentor publishes; booked by one team at most (conditional update)."""

    mentor = ForeignKey(references=MentorProfile, on_delete=OnDelete.cascade, index=True)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    mode = Varchar(length=20, default="online")
    location = Varchar(length=300, default="", help_text="Address, or the online meeting link")
    booked_by = ForeignKey(references=Mentorship, null=True, on_delete=OnDelete.set_null)
    booked_at = Timestamptz(null=True, default=None)
    reminded_at = Timestamptz(null=True, default=None)
    cancelled = Boolean(default=False)


class SessionNote(Table, tablename="mentoring_note"):
    mentorship = ForeignKey(references=Mentorship, on_delete=OnDelete.cascade, index=True)
    slot = ForeignKey(references=OfficeSlot, null=True, on_delete=OnDelete.set_null)
    author = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    notes = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


class ActionItem(Table, tablename="mentoring_action"):
    note = ForeignKey(references=SessionNote, on_delete=OnDelete.cascade, index=True)
    text = Varchar(length=300)
    owner = Varchar(length=120, default="")
    due = Date(null=True, default=None)
    done = Boolean(default=False)


class MentoringFeedback(Table, tablename="mentoring_feedback"):
    """Feedback from either side; only organizers read it."""

    mentorship = ForeignKey(references=Mentorship, on_delete=OnDelete.cascade, index=True)
    author = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    side = Varchar(length=10)  # team | mentor
    rating = Integer(default=0)
    text = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


class IncubationRecord(Table, tablename="incubation"):
    """Where an idea stands on the road Ý tưởng → Mẫu thử → Thí điểm → Ra mắt, with its gate checklist."""

    idea = ForeignKey(references=Idea, on_delete=OnDelete.cascade, unique=True)
    stage = Varchar(length=20, choices=Stage, default=Stage.idea.value)
    checklist = JSON(default="{}", help_text="Gate items already met, per stage")
    outcome = Varchar(length=30, default="", help_text="household business, cooperative or company, at launch")
    updated_at = Timestamptz(default=TimestamptzNow())


class Workshop(Table, tablename="workshop"):
    """A startup-thinking session run by an incubator or the commune."""

    organization = ForeignKey(references=Organization, null=True, on_delete=OnDelete.set_null)
    commune = ForeignKey(
        references=Commune,
        null=True,
        on_delete=OnDelete.set_null,
        help_text="The commune whose organizers run it (empty: city-wide, for platform admins)",
    )
    title = Varchar(length=200)
    description = Text(default="")
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    place = Varchar(length=300, default="")
    online_link = Varchar(length=300, default="")
    capacity = Integer(default=30)
    published = Boolean(default=True)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.title])


class WorkshopRegistration(Table, tablename="workshop_registration"):
    workshop = ForeignKey(references=Workshop, on_delete=OnDelete.cascade, index=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade)
    status = Varchar(length=20, default="registered")  # registered | waitlisted | cancelled
    attended = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class MatchRun(Table, tablename="match_run"):
    commune = ForeignKey(references=Commune, on_delete=OnDelete.cascade)
    mode = Varchar(length=20, default="optimal")  # optimal | stable
    created_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    published_at = Timestamptz(null=True, default=None)
    total_score = DoublePrecision(default=0.0)


class MatchProposal(Table, tablename="match_proposal"):
    run = ForeignKey(references=MatchRun, on_delete=OnDelete.cascade, index=True)
    idea = ForeignKey(references=Idea, on_delete=OnDelete.cascade)
    mentor = ForeignKey(references=MentorProfile, null=True, on_delete=OnDelete.cascade)
    score = DoublePrecision(default=0.0)
    components = JSON(default="{}")
    covered = JSON(default="[]")
    adjusted = Boolean(default=False)


# ---------------------------------------------------------------- where rows belong (tenancy)


def _declare_scopes() -> None:
    from accounts.scope import belongs

    belongs(MatchRun, commune=lambda: MatchRun.commune)
    belongs(MatchProposal, commune=lambda: MatchProposal.run.commune)
    belongs(IncubationRecord, commune=lambda: IncubationRecord.idea._.contest.commune)
    belongs(TeamNeed, commune=lambda: TeamNeed.idea._.contest.commune)
    belongs(Workshop, commune=lambda: Workshop.commune)  # a workshop of no commune is city-wide: admins only
    belongs(WorkshopRegistration, commune=lambda: WorkshopRegistration.workshop.commune)


_declare_scopes()
