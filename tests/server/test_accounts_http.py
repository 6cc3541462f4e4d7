"""Accounts through HTTP, as a browser would use them, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re

import pytest

from accounts.tables import AuditEvent, OutboxMail, PasswordResetToken, RoleGrant, User
from tests.conftest import csrf_from, login, post_form
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.integration

GOOD = {
    "full_name": "Nguyễn Thị Mai",
    "phone": "0912 345 678",
    "email": "",
    "birth_year": "2004",
    "password": "đồng-lúa-xanh-2026",
    "accept_terms": "on",
    "accept_privacy": "on",
}


def form(commune, **changes):
    return {**GOOD, "hamlet_id": str(commune["hamlets"][0]), **changes}


async def test_register_creates_citizen_and_signs_in(client, commune):
    response = await post_form(client, "/register", form(commune))
    assert response.status_code == 303 and response.headers["location"] == "/account"
    user = await User.objects().where(User.phone == "+84912345678").first()
    assert user.full_name == "Nguyễn Thị Mai" and user.username == "+84912345678"
    assert user.password.startswith("$argon2id$") and user.active
    assert user.terms_accepted_at is not None and user.privacy_accepted_at is not None
    page = await client.get("/account")
    assert "Nguyễn Thị Mai" in page.text and "0912 345 678" in page.text
    assert await AuditEvent.exists().where(AuditEvent.action == "account.registered")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"phone": "0912 34"}, "phone", "số điện thoại việt nam hợp lệ"),
        ({"phone": "abc", "email": ""}, "phone", "chỉ gồm các chữ số"),
        ({"phone": "", "email": ""}, "phone", "số điện thoại hoặc địa chỉ email"),
        ({"email": "lan@"}, "email", "email không hợp lệ"),
        ({"password": "1234567"}, "password", "ít nhất 8 ký tự"),
        ({"password": "12345678"}, "password", "quá phổ biến"),
        ({"accept_terms": ""}, "accept_terms", "điều khoản sử dụng"),
        ({"birth_year": "20O4"}, "birth_year", "năm sinh"),
        ({"hamlet_id": "999999"}, "hamlet_id", "thôn"),
        ({"full_name": " "}, "full_name", "họ và tên"),
    ],
)
async def test_register_bad_input_explains_and_keeps_input(client, commune, changes, field, message):
    data = form(commune, **changes)
    response = await post_form(client, "/register", data)
    assert response.status_code == 400
    error = re.search(rf'<p class="error" id="e-{field}">([^<]+)</p>', response.text)
    assert error, f"no error shown next to {field}"
    assert message.lower() in error.group(1).lower()
    assert 'value="Nguyễn Thị Mai"' in response.text or field == "full_name"
    assert 'type="password" value' not in response.text  # a password is never echoed back
    assert await User.count() == 0


async def test_register_duplicate_phone_and_email(client, commune, make_user):
    await make_user(phone="+84912345678", email="mai@example.com")
    response = await post_form(client, "/register", form(commune, email="MAI@example.com"))
    assert response.status_code == 400
    assert "đã có tài khoản" in response.text.lower()
    assert await User.count() == 1


async def test_under_16_needs_a_guardian(client, commune, clock):
    young = str(clock().year - 14)
    response = await post_form(client, "/register", form(commune, birth_year=young))
    assert response.status_code == 400
    assert 'id="e-guardian_name"' in response.text and 'id="e-guardian_phone"' in response.text
    assert await User.count() == 0
    response = await post_form(
        client,
        "/register",
        form(commune, birth_year=young, guardian_name="Nguyễn Văn Hùng", guardian_phone="0987 654 321"),
    )
    assert response.status_code == 303
    user = await User.objects().first()
    assert user.guardian_name == "Nguyễn Văn Hùng" and user.guardian_phone == "+84987654321"


async def test_register_without_csrf_is_refused_and_stores_nothing(client, commune):
    await client.get("/register")
    response = await client.post("/register", data=form(commune))
    assert response.status_code == 403
    assert "tải lại trang" in response.text
    assert await User.count() == 0


async def test_oversized_body_is_refused(client, commune, settings):
    page = await client.get("/register")
    data = form(commune, full_name="A" * (settings.max_request_body + 10), _csrf_token=csrf_from(page.text))
    response = await client.post("/register", data=data)
    assert response.status_code == 413
    assert await User.count() == 0


async def test_login_by_phone_or_email_rotates_session(client, make_user):
    await make_user(phone="+84912345678", email="mai@example.com")
    await client.get("/login")
    before = client.cookies.get("sangtao_session")
    response = await login(client, "0912.345.678", PASSWORD)
    assert response.status_code == 303
    after = client.cookies.get("sangtao_session")
    assert after and after != before
    assert "Đăng xuất" in (await client.get("/")).text
    await post_form(client, "/logout", {}, page="/")
    assert "Đăng nhập" in (await client.get("/")).text
    response = await login(client, "MAI@example.com", PASSWORD)
    assert response.status_code == 303


async def test_login_rehashes_outdated_hash(client, make_user, production_password_hashing):
    user = await make_user(email="mai@example.com")
    old = user.password
    await login(client, "mai@example.com", PASSWORD)
    new = (await User.select(User.password).where(User.id == user.id).first())["password"]
    assert new != old and "m=65536" in new


async def test_wrong_password_is_audited_and_explained(client, make_user):
    user = await make_user(email="mai@example.com")
    response = await login(client, "mai@example.com", "sai-mật-khẩu")
    assert response.status_code == 400
    assert "không đúng" in response.text
    assert 'value="mai@example.com"' in response.text
    failed = await AuditEvent.select().where(AuditEvent.action == "auth.login_failed").first()
    assert failed["actor"] == user.id


async def test_login_is_rate_limited(client, make_user, settings):
    await make_user(email="mai@example.com")
    for _ in range(settings.login_rate_limit):
        await login(client, "mai@example.com", "sai-mật-khẩu")
    response = await login(client, "mai@example.com", PASSWORD)
    assert response.status_code == 429
    assert "Vui lòng đợi" in response.text


async def test_change_password_ends_other_sessions(app, client, make_user):
    import httpx

    await make_user(email="mai@example.com")
    await login(client, "mai@example.com", PASSWORD)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        await login(other, "mai@example.com", PASSWORD)
        assert (await other.get("/account")).status_code == 200
        response = await post_form(
            client, "/account/password", {"current_password": PASSWORD, "new_password": "trăng-rằm-tháng-tám"}
        )
        assert response.status_code == 303
        assert (await client.get("/account")).status_code == 200
        assert (await other.get("/account")).status_code == 303  # signed out


async def test_change_password_wrong_current(client, make_user):
    await make_user(email="mai@example.com")
    await login(client, "mai@example.com", PASSWORD)
    response = await post_form(
        client, "/account/password", {"current_password": "nhầm-rồi-nhé", "new_password": "trăng-rằm-tháng-tám"}
    )
    assert response.status_code == 400 and 'id="e-current_password"' in response.text


async def test_password_reset_by_single_use_token(client, make_user):
    user = await make_user(email="mai@example.com")
    response = await post_form(client, "/password/forgot", {"identifier": "mai@example.com"})
    assert response.status_code == 200 and "đã gửi đường liên kết" in response.text
    mail = await OutboxMail.objects().where(OutboxMail.user == user.id).first()
    token = re.search(r"/password/reset/([\w-]+)", mail.body).group(1)
    response = await post_form(client, f"/password/reset/{token}", {"new_password": "trăng-rằm-tháng-tám"})
    assert response.status_code == 303
    assert (await login(client, "mai@example.com", "trăng-rằm-tháng-tám")).status_code == 303
    # The same link cannot be used twice.
    page = await client.get(f"/password/reset/{token}")
    assert "đã hết hạn" in page.text
    assert await PasswordResetToken.count().where(PasswordResetToken.used_at.is_not_null()) == 1


async def test_password_reset_for_unknown_account_says_the_same(client, db):
    response = await post_form(client, "/password/forgot", {"identifier": "ai-do@example.com"})
    assert response.status_code == 200 and "đã gửi đường liên kết" in response.text
    assert await OutboxMail.count() == 0


async def test_password_reset_token_expires(client, make_user, clock):
    await make_user(email="mai@example.com")
    await post_form(client, "/password/forgot", {"identifier": "mai@example.com"})
    token = re.search(r"/password/reset/([\w-]+)", (await OutboxMail.objects().first()).body).group(1)
    clock.advance(hours=2)
    response = await post_form(
        client, f"/password/reset/{token}", {"new_password": "trăng-rằm-tháng-tám"}, page="/password/forgot"
    )
    assert response.status_code == 400


async def test_export_contains_my_data_only(client, make_user):
    me = await make_user(email="mai@example.com", full_name="Nguyễn Thị Mai")
    await make_user(email="other@example.com", full_name="Người Khác")
    await login(client, "mai@example.com", PASSWORD)
    response = await client.get("/account/export")
    assert response.headers["content-disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["profile"]["full_name"] == "Nguyễn Thị Mai" and data["profile"]["id"] == me.id
    assert "Người Khác" not in response.text


async def test_delete_account_erases_personal_data(client, make_user):
    from accounts.tables import Role

    me = await make_user(email="mai@example.com", phone="+84912345678", roles=(Role.judge,))
    await login(client, "mai@example.com", PASSWORD)
    response = await post_form(client, "/account/delete", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 303
    row = await User.select().where(User.id == me.id).first()
    assert row["email"] is None and row["phone"] is None and row["full_name"] == ""
    assert row["deleted_at"] is not None and not row["active"]
    assert row["pseudonym"]  # kept, so contest records stay linked to an anonymous alias
    assert not await RoleGrant.exists().where(RoleGrant.user == me.id)
    assert (await login(client, "mai@example.com", PASSWORD)).status_code == 400


def client_at(app, ip: str):
    """A browser at this IP address."""
    import httpx

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 40000)), base_url="http://testserver")


async def test_a_hundred_residents_sign_in_from_one_office_address(app, make_user, settings):
    people = [await make_user(email=f"cu-dan-{n}@example.com") for n in range(100)]
    assert len(people) > settings.login_rate_limit and len(people) > settings.login_ip_failure_limit
    for person in people:
        async with client_at(app, "203.0.113.7") as office:
            response = await login(office, person.email, PASSWORD)
            assert response.status_code == 303, response.text
            assert (await office.get("/account")).status_code == 200
    assert await AuditEvent.count().where(AuditEvent.action == "auth.login") == 100
    assert await User.count().where(User.last_login.is_not_null()) == 100


async def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out(app, make_user, settings):
    await make_user(email="mai@example.com")
    async with client_at(app, "198.51.100.9") as attacker:
        answers = [
            (await login(attacker, "mai@example.com", f"đoán-sai-{n}")).status_code
            for n in range(settings.login_rate_limit + 2)
        ]
        assert answers == [400] * settings.login_rate_limit + [429, 429]
        blocked = await login(attacker, "MAI@example.com", PASSWORD)  # however the account is typed
        assert blocked.status_code == 429 and "Vui lòng đợi" in blocked.text
    async with client_at(app, "203.0.113.20") as owner:
        response = await login(owner, "mai@example.com", PASSWORD)
        assert response.status_code == 303
        assert "mai@example.com" in (await owner.get("/account")).text
    assert await AuditEvent.count().where(AuditEvent.action == "auth.login_failed") == settings.login_rate_limit


async def test_failures_over_many_accounts_from_one_address_are_limited(db, settings, clock, make_user):
    import dataclasses

    from server.app import create_app

    app = create_app(dataclasses.replace(settings, login_ip_failure_limit=5), clock=clock, run_workers=False)
    await make_user(email="mai@example.com")
    async with client_at(app, "198.51.100.10") as sprayer:
        for n in range(5):
            assert (await login(sprayer, f"ai-{n}@example.com", "mật-khẩu-đoán")).status_code == 400
        refused = await login(sprayer, "mai@example.com", PASSWORD)
        assert refused.status_code == 429 and "Vui lòng đợi" in refused.text
    async with client_at(app, "203.0.113.21") as owner:
        assert (await login(owner, "mai@example.com", PASSWORD)).status_code == 303
