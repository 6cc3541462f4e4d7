"""Tables of the shared kernel."""

from __future__ import annotations

from enum import Enum

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.readable import Readable

from accounts import passwords
from accounts.table_base import Table


class Role(str, Enum):
    citizen = "citizen"
    judge = "judge"
    mentor = "mentor"
    organizer = "organizer"
    admin = "admin"
    city_organizer = "city_organizer"  # staff of the city's Department of Science and Technology: not tied to a commune


class Commune(Table, tablename="commune"):
    name = Varchar(length=150, help_text="Tên xã / Commune name, e.g. Xã An Khánh")
    slug = Varchar(length=80, unique=True, help_text="Used in addresses, e.g. an-khanh")
    code = Varchar(length=4, unique=True, help_text="Prefix of idea codes, e.g. AK")
    province = Varchar(length=150, default="Thành phố Hải Phòng")
    description = Text(default="", help_text="Shown on the commune's home page (Markdown)")
    created_at = Timestamptz(default=TimestamptzNow())

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])


class Hamlet(Table, tablename="hamlet"):
    commune = ForeignKey(references=Commune, on_delete=OnDelete.cascade)
    name = Varchar(length=150, help_text="Tên thôn / Hamlet name")
    population = Integer(null=True, default=None, help_text="Residents, for turnout reports")
    sort_order = Integer(default=0)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s — %s", columns=[cls.name, cls.commune.name])


class User(passwords.Argon2UserMixin, BaseUser, tablename="users"):
    """Everyone: youth, citizens, judges, mentors, organizers and admins.

    ``username`` holds the login identifier (email, or phone when there is no email);
    login accepts either. ``admin`` (may use /admin/) and ``superuser`` mirror the
    organizer and admin roles and are kept in step by ``accounts.services.roles``.
    """

    email = Varchar(length=255, unique=True, null=True, default=None)
    full_name = Varchar(length=200, default="", help_text="Họ và tên / Full name")
    phone = Varchar(length=20, unique=True, null=True, default=None, help_text="+84…")
    birth_year = Integer(null=True, default=None)
    commune = ForeignKey(references=Commune, null=True, on_delete=OnDelete.set_null)
    hamlet = ForeignKey(references=Hamlet, null=True, on_delete=OnDelete.set_null)
    guardian_name = Varchar(length=200, null=True, default=None)
    guardian_phone = Varchar(length=20, null=True, default=None)
    terms_accepted_at = Timestamptz(null=True, default=None)
    privacy_accepted_at = Timestamptz(null=True, default=None)
    language = Varchar(length=5, default="vi")
    pseudonym = Varchar(length=32, unique=True, help_text="Stable public alias, kept after deletion")
    session_version = Integer(default=0, help_text="Raised on password change to end other sessions")
    created_at = Timestamptz(default=TimestamptzNow())
    deleted_at = Timestamptz(null=True, default=None)
    verified_resident = Boolean(default=False, help_text="A verified resident of their commune (may vote)")
    verified_method = Varchar(length=20, default="", help_text="resident_list, office or phone_code")
    verified_by = Integer(null=True, default=None, help_text="Id of the organizer who verified at the office")
    verified_at = Timestamptz(null=True, default=None)
    resident = ForeignKey(
        references="ResidentRecord",
        null=True,
        default=None,
        on_delete=OnDelete.set_null,
        help_text="The line of the commune's resident list this person was matched to (one live account per line)",
    )

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s (%s)", columns=[cls.full_name, cls.username])


class RoleGrant(Table, tablename="role_grant"):
    """A role held by a user; organizer grants are scoped to a commune."""

    user = ForeignKey(references=User, on_delete=OnDelete.cascade)
    role = Varchar(length=20, choices=Role)
    commune = ForeignKey(references=Commune, null=True, on_delete=OnDelete.cascade)
    granted_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    granted_at = Timestamptz(default=TimestamptzNow())

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s: %s", columns=[cls.user.full_name, cls.role])


class AuditEvent(Table, tablename="audit_event"):
    """Append-only, hash-chained record of privileged and security-relevant actions."""

    seq = Integer(unique=True, help_text="Position in the chain")
    created_at = Timestamptz(default=TimestamptzNow())
    actor = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    action = Varchar(length=60, index=True)
    target_type = Varchar(length=60, default="")
    target_id = Varchar(length=60, default="")
    commune = ForeignKey(references=Commune, null=True, on_delete=OnDelete.set_null)
    ip = Varchar(length=64, default="")
    data = JSON(default="{}")
    prev_hash = Varchar(length=64, default="")
    hash = Varchar(length=64, default="")

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="#%s %s", columns=[cls.seq, cls.action])


class Notification(Table, tablename="notification"):
    """An entry in a user's in-app inbox."""

    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=60, default="info")
    title = Varchar(length=300)
    body = Text(default="")
    link = Varchar(length=500, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    read_at = Timestamptz(null=True, default=None)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.title])


class OutboxMail(Table, tablename="outbox_mail"):
    """An email waiting to be sent (queued in the transaction of the action that caused it)."""

    user = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    to_address = Varchar(length=255)
    subject = Varchar(length=300)
    body = Text()
    status = Varchar(length=10, default="queued", index=True)  # queued | sent | failed
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow())
    last_error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s → %s", columns=[cls.subject, cls.to_address])


class PasswordResetToken(Table, tablename="password_reset_token"):
    user = ForeignKey(references=User, on_delete=OnDelete.cascade)
    token_hash = Varchar(length=64, unique=True, secret=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class ResidentRecord(Table, tablename="resident_record"):
    """One line of a commune's resident list, kept to the minimum needed to match registrations."""

    commune = ForeignKey(references=Commune, on_delete=OnDelete.cascade, index=True)
    name_key = Varchar(length=200, help_text="Full name, folded (no diacritics, lower case)")
    birth_year = Integer(null=True, default=None)
    hamlet = ForeignKey(references=Hamlet, null=True, on_delete=OnDelete.set_null)
    phone = Varchar(length=20, null=True, default=None, index=True)
    imported_at = Timestamptz(default=TimestamptzNow())


class PhoneCode(Table, tablename="phone_code"):
    """A one-time code sent to a phone to verify its owner (stored hashed)."""

    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    phone = Varchar(length=20)
    code_hash = Varchar(length=64, secret=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    attempts = Integer(default=0)
    used_at = Timestamptz(null=True, default=None)


class OutboxMessage(Table, tablename="outbox_message"):
    """A text message (SMS or Zalo ZNS) waiting to be sent, queued in the transaction of the action
    that caused it (``accounts.messaging``). The text is rendered when it is sent and never stored;
    ``secret`` holds a one-time code or reset link only until the message is sent or given up."""

    user = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null, index=True)
    commune = ForeignKey(references=Commune, null=True, on_delete=OnDelete.set_null)
    contest = Integer(null=True, default=None, index=True, help_text="The contest a notice is about")
    phone = Varchar(length=20)
    channel = Varchar(length=10, default="sms")  # sms | zalo
    purpose = Varchar(length=10, default="notice")  # code | reset | notice
    template = Varchar(length=40)
    params = JSON(default="{}")
    secret = Varchar(length=500, default="", secret=True)
    status = Varchar(length=10, default="queued", index=True)  # queued | sending | sent | delivered | failed
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow())
    provider_id = Varchar(length=100, default="")
    error_code = Varchar(length=40, default="")
    last_error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)
    delivered_at = Timestamptz(null=True, default=None, help_text="When the provider reported it reached the phone")

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s → %s", columns=[cls.template, cls.channel])


class MessageCaps(Table, tablename="message_caps"):
    """The caps on text messages set by the platform admin (one row; the settings' values until set)."""

    per_phone = Integer(help_text="Messages to one phone per Hà Nội day")
    per_day = Integer(help_text="Messages in all per Hà Nội day")
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)


class ProviderToken(Table, tablename="provider_token"):
    """The current OAuth tokens of a messaging provider (Zalo's are renewed by the refresh token)."""

    name = Varchar(length=40, unique=True)
    access_token = Text(default="", secret=True)
    refresh_token = Text(default="", secret=True)
    updated_at = Timestamptz(default=TimestamptzNow())


class NoticePreference(Table, tablename="notice_preference"):
    """Which notices reach a person by which channel beyond the web inbox, or none at all."""

    user = ForeignKey(references=User, on_delete=OnDelete.cascade, unique=True)
    channels = JSON(default="{}", help_text="Notice group → list of channels (email, sms, zalo)")
    stopped = Boolean(default=False, help_text="Nothing beyond the web inbox")
    updated_at = Timestamptz(default=TimestamptzNow())
