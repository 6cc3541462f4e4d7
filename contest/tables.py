"""Tables of contests, rounds, ideas, teams, revisions, attachments and reports."""

from __future__ import annotations

from enum import Enum

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
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
from accounts.tables import Commune, Hamlet, User


class IdeaStatus(str, Enum):
    draft = "draft"
    submitted = "submitted"
    withdrawn = "withdrawn"
    shortlisted = "shortlisted"
    finalist = "finalist"
    awarded = "awarded"


class Stage(str, Enum):
    idea = "idea"
    prototype = "prototype"
    pilot = "pilot"
    launched = "launched"


class MemberStatus(str, Enum):
    invited = "invited"
    accepted = "accepted"
    declined = "declined"


class Contest(Table, tablename="contest"):
    commune = ForeignKey(references=Commune, on_delete=OnDelete.restrict, index=True)
    title = Varchar(length=200)
    slug = Varchar(length=100, unique=True, help_text="Used in the address /contests/<slug>")
    tagline = Varchar(length=300, default="", help_text="One sentence shown on cards")
    description = Text(default="", help_text="Markdown")
    rules = Text(default="", help_text="Markdown")
    prizes = Text(default="", help_text="Markdown")
    min_age = Integer(default=16, help_text="Youngest age of the team lead")
    max_age = Integer(default=35, help_text="Oldest age of the team lead")
    residents_only = Boolean(default=True, help_text="Only people registered in this commune may submit")
    max_ideas_per_person = Integer(default=3)
    published = Boolean(default=False)
    cover = Varchar(length=80, default="", help_text="Stored name of the cover image (uploaded by organizers)")
    created_at = Timestamptz(default=TimestamptzNow())

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.title])


class Category(Table, tablename="contest_category"):
    """A field (lĩnh vực) of a contest, e.g. Nông nghiệp, Chuyển đổi số."""

    contest = ForeignKey(references=Contest, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=120)
    slug = Varchar(length=120)
    position = Integer(default=0)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s — %s", columns=[cls.name, cls.contest.title])


class Round(Table, tablename="contest_round"):
    """A round of a contest with its dated phases (all UTC)."""

    contest = ForeignKey(references=Contest, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=120, help_text="e.g. Vòng sơ khảo")
    position = Integer(default=1)
    submission_opens = Timestamptz()
    submission_closes = Timestamptz()
    judging_closes = Timestamptz()
    vote_opens = Timestamptz(null=True, default=None)
    vote_closes = Timestamptz(null=True, default=None)
    results_at = Timestamptz()
    takes_entries = Boolean(
        default=True,
        help_text="The round takes new entries (a submission phase); "
        "without it submission_opens = submission_closes = the start of its first phase",
    )
    has_judging = Boolean(
        default=True,
        help_text="The round has a judging phase (from submission_closes to "
        "judging_closes); without it judging_closes = submission_closes",
    )

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s — %s", columns=[cls.name, cls.contest.title])


class Idea(Table, tablename="idea"):
    contest = ForeignKey(references=Contest, on_delete=OnDelete.cascade, index=True)
    round = ForeignKey(references=Round, on_delete=OnDelete.restrict, index=True)
    code = Varchar(length=20, unique=True, null=True, default=None, help_text="Public code, e.g. AK-2026-007")
    lead = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    hamlet = ForeignKey(references=Hamlet, null=True, on_delete=OnDelete.set_null)
    category = ForeignKey(references=Category, null=True, on_delete=OnDelete.set_null)
    title = Varchar(length=200, default="")
    summary = Varchar(length=600, default="", help_text="At most 300 characters as people see them")
    problem = Text(default="")
    solution = Text(default="")
    beneficiaries = Text(default="")
    resources = Text(default="")
    budget_vnd = BigInt(null=True, default=None)
    stage = Varchar(length=20, choices=Stage, default=Stage.idea.value)
    body = Text(default="", help_text="Markdown")
    video_url = Varchar(length=300, default="")
    cover = Varchar(length=80, default="", help_text="Stored name of the cover image")
    status = Varchar(length=20, choices=IdeaStatus, default=IdeaStatus.draft.value, index=True)
    withdrawn_reason = Text(default="")
    hidden = Boolean(default=False, index=True, help_text="Hidden from the public by moderation")
    hidden_reason = Text(default="")
    hidden_by_reports = Boolean(default=False, help_text="Hidden automatically, waiting for review")
    report_count = Integer(default=0)
    search_text = Text(default="", help_text="Folded text for diacritic-insensitive search")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    submitted_at = Timestamptz(null=True, default=None)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s %s", columns=[cls.code, cls.title])


class IdeaMember(Table, tablename="idea_member"):
    """A team member: invited by phone or email, public only once accepted."""

    idea = ForeignKey(references=Idea, on_delete=OnDelete.cascade, index=True)
    user = ForeignKey(references=User, null=True, on_delete=OnDelete.cascade, index=True)
    contact = Varchar(length=255, help_text="Normalised phone or email the invitation went to")
    status = Varchar(length=20, choices=MemberStatus, default=MemberStatus.invited.value)
    invited_at = Timestamptz(default=TimestamptzNow())
    responded_at = Timestamptz(null=True, default=None)


class IdeaRevision(Table, tablename="idea_revision"):
    idea = ForeignKey(references=Idea, on_delete=OnDelete.cascade, index=True)
    number = Integer()
    author = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    snapshot = JSON(default="{}")


class Attachment(Table, tablename="idea_attachment"):
    idea = ForeignKey(references=Idea, on_delete=OnDelete.cascade, index=True)
    stored_name = Varchar(length=80, unique=True)
    web_name = Varchar(length=80, null=True, default=None)
    original_name = Varchar(length=200)
    content_type = Varchar(length=60)
    size = Integer()
    created_at = Timestamptz(default=TimestamptzNow())


class IdeaReport(Table, tablename="idea_report"):
    """A signed-in person flags an idea; enough reports hide it until an organizer reviews."""

    idea = ForeignKey(references=Idea, on_delete=OnDelete.cascade, index=True)
    reporter = ForeignKey(references=User, on_delete=OnDelete.cascade)
    reason = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


class CodeCounter(Table, tablename="idea_code_counter"):
    """Last sequence number used for idea codes, per commune and year (atomic increments)."""

    commune = ForeignKey(references=Commune, on_delete=OnDelete.cascade)
    year = Integer()
    last_value = Integer(default=0)


# ---------------------------------------------------------------- judging


class SheetStatus(str, Enum):
    draft = "draft"
    submitted = "submitted"
    abstained = "abstained"


class Criterion(Table, tablename="rubric_criterion"):
    """One criterion of a round's rubric, with a descriptor for each level of its scale."""

    round = ForeignKey(references=Round, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=150)
    description = Text(default="")
    weight = DoublePrecision(default=1.0, help_text="Relative weight in the total")
    scale_min = Integer(default=1)
    scale_max = Integer(default=5)
    descriptors = JSON(default="[]", help_text='One text per level, lowest first, e.g. ["ý tưởng chưa rõ", …]')
    position = Integer(default=0)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s — %s — %s", columns=[cls.name, cls.round.name, cls.round._.contest.title])


class RoundJudging(Table, tablename="round_judging"):
    """Judging settings and state of a round."""

    round = ForeignKey(references=Round, on_delete=OnDelete.cascade, unique=True)
    judges_per_entry = Integer(default=3)
    min_per_judge = Integer(default=0)
    max_per_judge = Integer(null=True, default=None)
    anchors = Integer(default=0, help_text="Entries every judge scores (0–2), linking the calibration")
    method = Varchar(length=20, default="additive", help_text="mean, median, trimmed_mean, zscore or additive")
    disagreement_threshold = DoublePrecision(default=20.0)
    assignments_locked = Boolean(default=False)
    frozen_at = Timestamptz(null=True, default=None)
    frozen_hash = Varchar(length=64, default="")
    reopened_until = Timestamptz(null=True, default=None)
    reopen_reason = Text(default="")


class RankingCache(Table, tablename="ranking_cache"):
    """A round's computed ranking (every method), kept while its submitted sheets stay the same.

    ``fingerprint`` sums up exactly what the computation reads (the judge, entry and total of each
    submitted sheet) and is taken again from the sheets on every read: a stale row is never used.
    """

    round = ForeignKey(references=Round, on_delete=OnDelete.cascade, unique=True)
    fingerprint = Varchar(length=255, default="", help_text="Checksum of the submitted sheets it was computed from")
    payload = Text(default="", help_text="Every entry's scores and the statistical ties (JSON)")


class PanelMember(Table, tablename="judge_panel"):
    """A judge on a round's panel: an account, or an invitation by phone/email until accepted."""

    round = ForeignKey(references=Round, on_delete=OnDelete.cascade, index=True)
    judge = ForeignKey(references=User, null=True, on_delete=OnDelete.cascade, index=True)
    contact = Varchar(length=255)
    accepted = Boolean(default=False)
    expertise = JSON(default="[]", help_text="Category ids the judge knows well")
    added_at = Timestamptz(default=TimestamptzNow())


class ConflictDeclaration(Table, tablename="judge_declaration"):
    """A judge's signed conflict-of-interest declaration for a round."""

    round = ForeignKey(references=Round, on_delete=OnDelete.cascade, index=True)
    judge = ForeignKey(references=User, on_delete=OnDelete.cascade)
    signed_at = Timestamptz()
    statement = Text(default="")
    relatives = Text(default="", help_text="Phones or emails of family members, one per line")


class Conflict(Table, tablename="judge_conflict"):
    """A judge who must not score an entry: declared, found automatically, or by recusal."""

    round = ForeignKey(references=Round, on_delete=OnDelete.cascade, index=True)
    judge = ForeignKey(references=User, on_delete=OnDelete.cascade)
    idea = ForeignKey(references=Idea, on_delete=OnDelete.cascade)
    source = Varchar(length=20, default="declared")  # declared | recused | automatic
    reason = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Assignment(Table, tablename="judge_assignment"):
    round = ForeignKey(references=Round, on_delete=OnDelete.cascade, index=True)
    judge = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    idea = ForeignKey(references=Idea, on_delete=OnDelete.cascade, index=True)
    locked = Boolean(default=False)
    anchor = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class ScoreSheet(Table, tablename="score_sheet"):
    """Exactly one per (round, judge, entry): the unique index is in the migrations."""

    round = ForeignKey(references=Round, on_delete=OnDelete.cascade, index=True)
    judge = ForeignKey(references=User, on_delete=OnDelete.cascade)
    idea = ForeignKey(references=Idea, on_delete=OnDelete.cascade, index=True)
    status = Varchar(length=20, choices=SheetStatus, default=SheetStatus.draft.value)
    overall_comment = Text(default="")
    abstain_reason = Text(default="")
    total = DoublePrecision(null=True, default=None, help_text="Weighted total on a 0–100 scale")
    release_comments = Boolean(default=False, help_text="Organizers approved the comments for the team")
    updated_at = Timestamptz(default=TimestamptzNow())
    submitted_at = Timestamptz(null=True, default=None)


class Score(Table, tablename="score_item"):
    sheet = ForeignKey(references=ScoreSheet, on_delete=OnDelete.cascade, index=True)
    criterion = ForeignKey(references=Criterion, on_delete=OnDelete.cascade)
    value = Integer(null=True, default=None)
    comment = Text(default="")


# ---------------------------------------------------------------- public vote and results


class VoteRules(Table, tablename="vote_rules"):
    """How a round's public vote works; fixed once the vote opens."""

    round = ForeignKey(references=Round, on_delete=OnDelete.cascade, unique=True)
    votes_per_voter = Integer(default=3)
    change_allowed = Boolean(default=True, help_text="Voters may withdraw a vote while voting is open")
    live_tally = Boolean(default=False, help_text="Show counts during the vote (hidden by default, against herding)")
    residents_only = Boolean(default=True, help_text="Only verified residents of the commune (else any verified user)")
    jury_weight = DoublePrecision(default=0.7, help_text="α in α·jury + (1 − α)·public, published before voting")


class Vote(Table, tablename="vote"):
    """One vote: at most one per (round, voter, idea) and per (round, resident, idea) — unique indexes
    in the migrations, so a resident who deletes their account and registers again cannot vote twice."""

    round = ForeignKey(references=Round, on_delete=OnDelete.cascade, index=True)
    voter = ForeignKey(references=User, on_delete=OnDelete.restrict)
    resident = Integer(null=True, default=None, help_text="Line of the resident list the voter was matched to")
    idea = ForeignKey(references=Idea, on_delete=OnDelete.cascade, index=True)
    receipt = Varchar(length=16, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    ip = Varchar(length=64, default="")
    voided = Boolean(default=False)
    void_reason = Text(default="")
    voided_by = Integer(null=True, default=None)


class Ballot(Table, tablename="vote_ballot"):
    """How many votes a voter has used in a round (atomic counter enforcing the limit)."""

    round = ForeignKey(references=Round, on_delete=OnDelete.cascade)
    voter = ForeignKey(references=User, on_delete=OnDelete.restrict)
    used = Integer(default=0)
    resident = Integer(
        null=True,
        default=None,
        help_text="Resident record the ballot belongs to: unique per round, so a person keeps "
        "one ballot even through deleted and new accounts",
    )


class VoteLogEntry(Table, tablename="vote_log"):
    """The public, hash-chained log of a round's vote: every cast, withdrawal and void."""

    round = ForeignKey(references=Round, on_delete=OnDelete.cascade, index=True)
    seq = Integer()
    voter_alias = Varchar(length=16, help_text="Pseudonymous voter id, per contest")
    idea_code = Varchar(length=20)
    action = Varchar(length=10)  # cast | withdraw | void
    time_bucket = Varchar(length=20, help_text="Hour of the action (UTC), not the exact time")
    receipt = Varchar(length=16, default="")
    reason = Text(default="")
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)


class VoteChain(Table, tablename="vote_chain"):
    """The head of a round's vote log: the last entry's number and hash, and the one before it.

    Every append updates this one row, so appends to a round's log queue on its row lock (or on
    SQLite's write lock) and each new entry links to the true previous one.
    """

    round = ForeignKey(references=Round, on_delete=OnDelete.cascade, unique=True)
    seq = Integer(default=0)
    prev = Varchar(length=64, default="")
    head = Varchar(length=64, default="")


class Award(Table, tablename="award"):
    """A prize of a contest (Giải Nhất, Giải bình chọn…) and the idea that won it."""

    contest = ForeignKey(references=Contest, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=120)
    position = Integer(default=1)
    basis = Varchar(
        length=20,
        default="combined",
        help_text="combined (α·jury + (1 − α)·public), jury or public: the ranking it follows",
    )
    rank = Integer(default=1, help_text="Which place of the ranking wins it")
    prize = Text(default="", help_text="What the winner receives, e.g. 10.000.000 đồng và giấy khen")
    idea = ForeignKey(references=Idea, null=True, on_delete=OnDelete.set_null)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s — %s", columns=[cls.name, cls.contest.title])


class VoteCount(Table, tablename="vote_count"):
    """Live tally: valid votes per idea, kept in the same transaction as each vote (unique per round and idea)."""

    round = ForeignKey(references=Round, on_delete=OnDelete.cascade)
    idea = ForeignKey(references=Idea, on_delete=OnDelete.cascade)
    votes = Integer(default=0)


class RoundEntry(Table, tablename="round_entry"):
    """An idea carried into a later round of its contest by the organizers (unique per round and idea).

    The idea keeps its own round (``Idea.round``) and its sheets and results there; the later
    round judges it, puts it to the vote and ranks it through these rows."""

    round = ForeignKey(references=Round, on_delete=OnDelete.cascade, index=True)
    idea = ForeignKey(references=Idea, on_delete=OnDelete.cascade, index=True)
    from_round = ForeignKey(references=Round, on_delete=OnDelete.cascade, index=True)
    entered_status = Varchar(
        length=20, default=IdeaStatus.shortlisted.value, help_text="The idea's status when it entered this round"
    )
    created_at = Timestamptz(default=TimestamptzNow())


class NoticeSent(Table, tablename="notice_sent"):
    """A notice that must go out once (a deadline reminder, a vote-burst alert) or at most so often
    (an organizer's reminder to a judge): one row per key, unique, claimed atomically."""

    key = Varchar(length=120, unique=True)
    sent_at = Timestamptz(default=TimestamptzNow())


# ---------------------------------------------------------------- where rows belong (tenancy)


def _declare_scopes() -> None:
    from accounts.scope import belongs

    belongs(Contest, commune=lambda: Contest.commune)
    belongs(Round, commune=lambda: Round.contest.commune, round=lambda: Round.id)
    belongs(Idea, commune=lambda: Idea.contest.commune, round=lambda: Idea.round)
    belongs(IdeaRevision, commune=lambda: IdeaRevision.idea._.contest.commune, round=lambda: IdeaRevision.idea.round)
    belongs(Assignment, commune=lambda: Assignment.round._.contest.commune, round=lambda: Assignment.round)
    belongs(ScoreSheet, commune=lambda: ScoreSheet.round._.contest.commune, round=lambda: ScoreSheet.round)
    belongs(PanelMember, commune=lambda: PanelMember.round._.contest.commune, round=lambda: PanelMember.round)
    belongs(VoteRules, commune=lambda: VoteRules.round._.contest.commune, round=lambda: VoteRules.round)
    belongs(Vote, commune=lambda: Vote.round._.contest.commune, round=lambda: Vote.round)
    belongs(RoundEntry, commune=lambda: RoundEntry.round._.contest.commune, round=lambda: RoundEntry.round)
    belongs(Criterion, commune=lambda: Criterion.round._.contest.commune, round=lambda: Criterion.round)
    belongs(Award, commune=lambda: Award.contest.commune)


_declare_scopes()
