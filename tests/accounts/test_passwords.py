import pytest

from accounts import passwords
from accounts.tables import User

pytestmark = pytest.mark.unit


def test_hash_is_argon2id_and_verifies():
    hashed = passwords.hash_password("Một-mật-khẩu-dài")
    assert hashed.startswith("$argon2id$")
    assert passwords.verify(hashed, "Một-mật-khẩu-dài")
    assert not passwords.verify(hashed, "sai-mật-khẩu")


def test_user_object_hashes_plain_passwords_once():
    user = User(username="a@example.com", password="Một-mật-khẩu-dài")
    assert user.password.startswith("$argon2id$")
    # Fetching a row passes the stored hash back in: it must not be hashed again.
    again = User(username="a@example.com", password=user.password)
    assert again.password == user.password
    user.password = "Mật-khẩu-mới-dài"
    assert passwords.verify(user.password, "Mật-khẩu-mới-dài")


@pytest.mark.parametrize(
    ("candidate", "problem"),
    [
        ("ngắn", "The password must have at least 8 characters."),
        ("12345678", "This password is too common and easy to guess. Please choose another."),
        ("matkhau123", "This password is too common and easy to guess. Please choose another."),
        ("aaaaaaaaaa", "This password is too common and easy to guess. Please choose another."),
        ("x" * 129, "The password must have at most 128 characters."),
        ("đồng-lúa-xanh-2026", None),
    ],
)
def test_password_rules(candidate, problem):
    assert passwords.password_problem(candidate) == problem


def test_outdated_parameters_need_rehash(production_password_hashing):
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("đồng-lúa-xanh-2026")
    assert passwords.needs_rehash(weak)
    assert not passwords.needs_rehash(passwords.hash_password("đồng-lúa-xanh-2026"))
