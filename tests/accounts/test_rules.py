import pytest

from accounts.rules import Access, Principal, allows, can_manage_roles, can_use_admin, is_organizer
from accounts.tables import Role

pytestmark = pytest.mark.unit

citizen = Principal(id=1)
judge = Principal(id=2, roles=frozenset({("judge", None)}))
organizer_a = Principal(id=3, roles=frozenset({("organizer", 10)}))
admin = Principal(id=4, roles=frozenset({("admin", None)}))


def test_public_and_anonymous():
    assert allows(Access.public, None) and allows(Access.public, citizen)
    assert allows(Access.anonymous, None) and not allows(Access.anonymous, citizen)


def test_authenticated_needs_a_principal():
    assert not allows(Access.authenticated, None)
    assert allows(Access.authenticated, citizen)


def test_role_levels():
    assert allows(Access.judge, judge) and not allows(Access.judge, citizen)
    assert allows(Access.judge, admin)  # admins may do everything
    assert allows(Access.organizer, organizer_a) and not allows(Access.organizer, judge)
    assert allows(Access.admin, admin) and not allows(Access.admin, organizer_a)


def test_organizer_is_scoped_to_a_commune():
    assert is_organizer(organizer_a, 10)
    assert not is_organizer(organizer_a, 11)
    assert is_organizer(admin, 11)


def test_only_organizers_and_admins_use_the_admin():
    assert can_use_admin(organizer_a) and can_use_admin(admin)
    assert not can_use_admin(judge) and not can_use_admin(citizen) and not can_use_admin(None)


def test_who_may_grant_roles():
    assert can_manage_roles(admin, Role.organizer, 10)
    assert can_manage_roles(organizer_a, Role.judge, 10)
    assert not can_manage_roles(organizer_a, Role.judge, 11)
    assert not can_manage_roles(organizer_a, Role.organizer, 10)
    assert not can_manage_roles(organizer_a, Role.admin, None)
    assert not can_manage_roles(judge, Role.judge, 10)
