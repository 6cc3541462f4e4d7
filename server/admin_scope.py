"""Who reaches which rows of piccolo-admin: platform admins everything but secrets, organizers
their own communes' contest rows.

piccolo-admin serves each table through a ``PiccoloCRUD``. ``ScopedCRUD`` replaces it: every
endpoint (list, detail, count, ids, schema, new, references, create, update, delete, bulk delete)
first asks the table's ``TablePolicy`` whether the signed-in person may reach the table at all,
then adds the person's commune clause to the very query that lists, loads, changes or deletes
the rows — so a row of another commune is simply not found (the Decidim pattern
``Proposal.where(component: current_component).find(id)``). Foreign keys a write points at are
checked against the same clauses inside the write's transaction. Every create, update and delete
is written to the audit log in that transaction, with the row's id.

Columns listed as ``hidden`` (mail bodies, links carrying reset tokens) are never selected, never
filterable, sortable or writable, for anyone.
"""

from __future__ import annotations

import contextvars
import enum
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pydantic
from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Where
from piccolo.columns.combination import And, Or
from piccolo.query import Delete
from piccolo.table import Table
from piccolo.utils.encoding import dump_json
from piccolo_admin import endpoints as admin_endpoints
from piccolo_admin.endpoints import AdminRouter, GroupedTableNamesResponseModel
from piccolo_api.crud.endpoints import CustomJSONResponse, ParamException, PiccoloCRUD
from piccolo_api.crud.exceptions import MalformedQuery, db_exception_handler
from piccolo_api.crud.hooks import HookType, execute_delete_hooks, execute_patch_hooks, execute_post_hooks
from piccolo_api.crud.validators import apply_validators
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from accounts import audit, rules, services
from accounts.engine import atomic
from accounts.i18n import N_, translate
from accounts.text import MAX_DB_INT
from server.admin_labels import label_schema

Clause = Where | And | Or
RowsFor = Callable[[Sequence[int]], Clause]
# Asked before a row is written (created, changed — as it is and as it would be — or deleted) with its
# columns by name: the domain's reason to refuse (a msgid), or None.
WriteGuard = Callable[[dict[str, Any]], Awaitable[str | None]]

log = logging.getLogger("sangtao.admin")


def bilingual(message: str, **params: object) -> str:
    """The admin has no language of its own: Vietnamese first, then English."""
    return f"{translate(message, 'vi', **params)} / {message % params if params else message}"


MSG_NO_TABLE = N_("This table is not available to you.")
MSG_READ_ONLY = N_("This table is read-only here.")
MSG_ROLE_FORM = N_("Roles change only through the form “Grant or remove a role”.")
MSG_OTHER_COMMUNE = N_("%(field)s points to a row outside your commune.")
MSG_NUL = N_("%(field)s holds a NUL character, which no text may contain.")
MSG_HIDDEN_COLUMN = N_("The column %(field)s cannot be read or changed here.")
MSG_SIGNED_OUT = N_("Please sign in again.")


class Reach(enum.IntEnum):
    """How far an organizer (not an admin) gets into a table."""

    none = 0  # not listed, every endpoint refused
    pick = 1  # only the ids endpoint, for foreign-key pickers (within their communes)
    read = 2  # list, detail, count, ids, schema
    write = 3  # and create, update, delete


@dataclass(frozen=True)
class TablePolicy:
    organizer: Reach = Reach.none
    rows: RowsFor | None = None  # organizer's rows; None with a reach above none = the whole table
    targets: RowsFor | None = None  # rows an organizer may point a foreign key at (default: ``rows``)
    owner: str | None = None  # the foreign key tying a row to its commune: required for organizers
    hidden: tuple[str, ...] = ()  # never selected, filtered, sorted or written, by anyone
    locked: tuple[str, ...] = ()  # shown, never written through the table API
    create: bool = True  # admins may create rows
    update: bool = True
    delete: bool = True
    refusal: str = MSG_READ_ONLY
    guard: WriteGuard | None = None  # a rule of the domain every write must pass (admins too)

    def target_clause(self, communes: Sequence[int]) -> Clause | None:
        chooser = self.targets or self.rows
        return chooser(communes) if chooser else None


@dataclass(frozen=True)
class Viewer:
    user_id: int
    admin: bool
    communes: tuple[int, ...] = field(default_factory=tuple)


_Answer = TypeVar("_Answer")
_viewer: contextvars.ContextVar[Viewer | None] = contextvars.ContextVar("admin_viewer", default=None)
_SCOPE_KEY = "sangtao.admin_viewer"


async def viewer_for(request: Request) -> Viewer:
    """The signed-in person and the communes they organize (once per request)."""
    cached = request.scope.get(_SCOPE_KEY)
    if cached is not None:
        return cached
    user_id = getattr(getattr(getattr(request, "user", None), "user", None), "id", None)
    principal = await services.load_principal(user_id) if user_id else None
    if principal is None or not rules.can_use_admin(principal):
        raise HTTPException(status_code=403, detail=bilingual(MSG_SIGNED_OUT))
    communes = tuple(sorted({c for role, c in principal.roles if role == "organizer" and c is not None}))
    viewer = Viewer(user_id=principal.id, admin=rules.is_admin(principal), communes=communes)
    request.scope[_SCOPE_KEY] = viewer
    return viewer


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(values, default=str))


class ScopedCRUD(PiccoloCRUD):
    """PiccoloCRUD that scopes every query to what the signed-in person may reach."""

    def __init__(
        self, *, table: type[Table], policy: TablePolicy, policies: dict[str, TablePolicy], **kwargs: Any
    ) -> None:
        self.policy = policy
        self.policies = policies
        hidden = set(policy.hidden)
        self.readable_columns = [c for c in table._meta.columns if c._meta.name not in hidden and not c._meta.secret]
        super().__init__(table=table, **kwargs)

    # -- who may do what ---------------------------------------------------------------------

    def _refuse(self, status: int, message: str, **params: object) -> HTTPException:
        return HTTPException(status_code=status, detail=bilingual(message, **params))

    async def _enter(self, request: Request, action: str) -> Viewer:
        """``action``: pick, read, create, update or delete. Raises when refused."""
        viewer = await viewer_for(request)
        if not viewer.admin:
            needed = {"pick": Reach.pick, "read": Reach.read}.get(action, Reach.write)
            if self.policy.organizer < needed or not viewer.communes:
                raise self._refuse(403, MSG_NO_TABLE)
        if action in ("create", "update", "delete") and not getattr(self.policy, action):
            raise self._refuse(405, self.policy.refusal)
        return viewer

    def _row_clause(self) -> Clause | None:
        """The rows the current viewer reaches (None: all). Fails closed outside a request."""
        viewer = _viewer.get()
        if viewer is None:
            raise RuntimeError("admin query outside a scoped request")
        if viewer.admin or self.policy.rows is None:
            return None
        return self.policy.rows(viewer.communes)

    async def _run(self, request: Request, action: str, handler: Callable[[], Awaitable[_Answer]]) -> _Answer:
        viewer = await self._enter(request, action)
        token = _viewer.set(viewer)
        try:
            return await handler()
        finally:
            _viewer.reset(token)

    # -- entry points (the routes piccolo-admin mounts) -----------------------------------------

    async def root(self, request: Request) -> Response:
        method = request.method.upper()
        if method == "GET":

            async def listing():
                response = await self.get_all(request, params=self._parse_params(request.query_params))
                return self._without_unreachable_readables(response, plural=True)

            return await self._run(request, "read", listing)
        if method == "POST":

            async def create():
                return await self.post_single(request, await request.json())

            return await self._run(request, "create", create)
        if method == "DELETE":
            return await self._run(
                request, "delete", lambda: self.delete_all(request, params=dict(request.query_params))
            )
        return Response(status_code=405)

    async def detail(self, request: Request) -> Response:
        method = request.method.upper()
        action = {"GET": "read", "PUT": "update", "PATCH": "update", "DELETE": "delete"}.get(method)
        if action is None:
            return Response(status_code=405)

        async def handle():
            try:
                row_id = self.table._meta.primary_key.value_type(request.path_params.get("row_id"))
            except (TypeError, ValueError):
                return Response("The ID is invalid", status_code=400)
            if action == "read":
                return await self.get_single(request, row_id)
            if action == "delete":
                return await self.delete_single(request, row_id)
            data = await request.json()
            if not isinstance(data, dict):
                return Response("A JSON object is expected.", status_code=400)
            if method == "PUT":
                return await self.put_single(request, row_id, data)
            return await self.patch_single(request, row_id, data)

        return await self._run(request, action, handle)

    async def get_ids(self, request: Request) -> Response:
        return await self._run(request, "pick", lambda: self._ids(request))

    async def get_count(self, request: Request) -> Response:
        return await self._run(request, "read", lambda: super(ScopedCRUD, self).get_count(request=request))

    async def get_schema(self, request: Request) -> JSONResponse:
        async def schema():
            body = self.pydantic_model.model_json_schema()
            for name in self.policy.hidden:
                body.get("properties", {}).pop(name, None)
                if name in body.get("required", []):
                    body["required"].remove(name)
            return JSONResponse(label_schema(self.table._meta.tablename, body))  # Vietnamese labels and help

        return await self._run(request, "read", schema)

    async def get_new(self, request: Request) -> CustomJSONResponse:
        async def new():
            response = await super(ScopedCRUD, self).get_new(request=request)
            data = json.loads(bytes(response.body))
            for name in self.policy.hidden:
                data.pop(name, None)
            return CustomJSONResponse(dump_json(data))

        return await self._run(request, "read", new)

    async def get_references(self, request: Request) -> JSONResponse:
        async def references():
            viewer = _viewer.get()
            if viewer is None:
                raise RuntimeError("admin query outside a scoped request")
            rows = []
            for column in self.table._meta.foreign_key_references:
                name = column._meta.table._meta.tablename
                policy = self.policies.get(name)
                if policy is None or not (viewer.admin or policy.organizer >= Reach.read):
                    continue
                rows.append({"tableName": name, "columnName": column._meta.name})
            return JSONResponse({"references": rows})

        return await self._run(request, "read", references)

    # -- reading ------------------------------------------------------------------------------

    def _split_params(self, params: dict[str, Any]):
        split = super()._split_params(params)
        closed = set(self.policy.hidden) | {c._meta.name for c in self.table._meta.secret_columns}
        named = [c._meta.name for c in split.visible_fields or []]
        named += [o.column._meta.name for o in split.order_by or []]
        named += [key for key in split.fields]
        refused = sorted(n for n in named if n in closed)
        if refused:
            raise ParamException(bilingual(MSG_HIDDEN_COLUMN, field=refused[0]))
        if split.page * max(split.page_size or 1, 1) > MAX_DB_INT:  # an offset no database can take
            raise ParamException("__page is too large")
        if split.visible_fields is None and self.policy.hidden:
            split.visible_fields = list(self.readable_columns)
        viewer = _viewer.get()
        if viewer is not None and not viewer.admin:
            split.range_header = False  # its total would count every commune's rows
        return split

    def _apply_filters(self, query, params):
        query = super()._apply_filters(query, params)
        clause = self._row_clause()
        return query.where(clause) if clause is not None else query

    @apply_validators
    async def get_single(self, request: Request, row_id: Any) -> Response:
        try:
            split = self._split_params(dict(request.query_params))
        except ParamException as exception:
            return Response(str(exception), status_code=400)
        visible = split.visible_fields or list(self.readable_columns)
        nested = tuple(c._meta.call_chain[-1] for c in visible if c._meta.call_chain)
        readable = (
            [self.table._get_related_readable(c) for c in self.table._meta.foreign_key_columns]
            if split.include_readable
            else []
        )
        query = self.table.select(*visible, *readable, exclude_secrets=True).where(
            self.table._meta.primary_key == row_id
        )
        clause = self._row_clause()
        if clause is not None:
            query = query.where(clause)
        query = query.first()
        if nested:
            query = query.output(nested=True)
        row = await query
        if not row:
            return Response("Unable to find a resource with that ID.", status_code=404)
        model = self._pydantic_model_output(
            include_readable=split.include_readable, include_columns=tuple(visible), nested=nested or False
        )
        return self._without_unreachable_readables(CustomJSONResponse(model(**row).model_dump_json()), plural=False)

    def _without_unreachable_readables(self, response: Response, *, plural: bool) -> Response:
        """Organizers: no names of rows they may not reach (a team lead's "name (phone)", say)."""
        viewer = _viewer.get()
        if viewer is None or viewer.admin or response.status_code != 200:
            return response
        keys = [
            f"{c._meta.name}_readable"
            for c in self.table._meta.foreign_key_columns
            if self.policies.get(c._foreign_key_meta.resolved_references._meta.tablename, TablePolicy()).organizer
            < Reach.pick
        ]
        body = json.loads(bytes(response.body))
        rows = body.get("rows", []) if plural else [body]
        if not keys or not any(k in row for row in rows for k in keys):
            return response
        for row in rows:
            for key in keys:
                row.pop(key, None)
        return CustomJSONResponse(
            json.dumps(body, ensure_ascii=False),
            headers={k: v for k, v in response.headers.items() if k.lower() == "content-range"},
        )

    async def _ids(self, request: Request) -> Response:
        readable = self.table.get_readable()
        pk = self.table._meta.primary_key
        query = self.table.select(pk, readable)
        clause = self._row_clause()
        if clause is not None:
            query = query.where(clause)
        try:
            limit = int(request.query_params["limit"]) if "limit" in request.query_params else None
            offset = int(request.query_params.get("offset") or 0)
        except ValueError:
            return Response("The limit and offset must be integers", status_code=400)
        if limit is not None and limit < 0 or offset < 0:
            return Response("The limit and offset must be positive", status_code=400)
        if (limit or 0) > MAX_DB_INT or offset > MAX_DB_INT:
            return Response("The limit and offset are too large", status_code=400)
        search = request.query_params.get("search")
        if search is not None:
            # Both sides folded by the database (SQLite's UPPER knows only ASCII: fold both alike).
            condition = (
                "subquery.readable ILIKE {}"
                if self.table._meta.db.engine_type == "postgres"
                else "UPPER(subquery.readable) LIKE UPPER({})"
            )
            sql = f"SELECT * FROM ({query.__str__()}) AS subquery WHERE {condition}"
            term = f"%{search}%"
            if limit is not None:
                sql += f" LIMIT {limit} OFFSET {offset}"
            values = await self.table.raw(sql, term)
        else:
            if limit is not None:
                query = query.limit(limit).offset(offset)
            values = await query
        name = pk._meta.name
        if pk.value_type not in (int, str):
            return JSONResponse({str(v[name]): v["readable"] for v in values})
        return JSONResponse({v[name]: v["readable"] for v in values})

    # -- writing ------------------------------------------------------------------------------

    async def _without_unchanged_locked(self, row_id: Any, data: dict[str, Any]) -> dict[str, Any]:
        """The admin's edit form sends every field back: a locked column sent with its current value
        is not a change, so it is dropped instead of refusing the whole edit."""
        sent = [name for name in self.policy.locked if name in data]
        if not sent:
            return data
        current = (
            await self.table.select(*(getattr(self.table, n) for n in sent)).where(self._scoped_pk(row_id)).first()
            or {}
        )
        return {k: v for k, v in data.items() if not (k in sent and k in current and current[k] == v)}

    def _check_columns(self, data: dict[str, Any]) -> None:
        closed = set(self.policy.hidden) | set(self.policy.locked) | {self.table._meta.primary_key._meta.name}
        if not issubclass(self.table, BaseUser):
            closed |= {c._meta.name for c in self.table._meta.secret_columns}
        for name, value in data.items():
            if name in closed:
                raise self._refuse(400, MSG_HIDDEN_COLUMN, field=name)
            if isinstance(value, str) and "\x00" in value:  # as on the site: no page could show it
                raise self._refuse(400, MSG_NUL, field=name)

    async def _check_targets(self, values: dict[str, Any], current: dict[str, Any] | None) -> None:
        """Organizers: the row belongs to their commune, and every foreign key it points at too."""
        viewer = _viewer.get()
        if viewer is None or viewer.admin:
            return
        for column in self.table._meta.foreign_key_columns:
            name = column._meta.name
            if name not in values and current is not None:
                continue
            value = values.get(name)
            if current is not None and value == current.get(name):
                continue  # unchanged: the row itself is already within scope
            if value is None:
                if name == self.policy.owner:
                    raise self._refuse(403, MSG_OTHER_COMMUNE, field=name)
                continue
            target = column._foreign_key_meta.resolved_references
            policy = self.policies.get(target._meta.tablename, TablePolicy())
            clause = policy.target_clause(viewer.communes)
            query = target.exists().where(target._meta.primary_key == value)
            if clause is not None:
                query = query.where(clause)
            elif policy.organizer < Reach.pick and policy.targets is None:
                raise self._refuse(403, MSG_OTHER_COMMUNE, field=name)
            if not await query:
                raise self._refuse(403, MSG_OTHER_COMMUNE, field=name)

    async def _guard(self, rows: Sequence[dict[str, Any]]) -> None:
        """The domain's own refusal of a write (a locked round, say) applies here as on the site: 409."""
        if self.policy.guard is None:
            return
        for row in rows:
            reason = await self.policy.guard(dict(row))
            if reason:
                raise self._refuse(409, reason)

    def _guarded_columns(self) -> list[Any]:
        return [self.table._meta.primary_key, *self.table._meta.foreign_key_columns]

    async def _record(self, action: str, request: Request, row_id: Any, data: dict[str, Any] | None = None):
        viewer = _viewer.get()
        await audit.record(
            f"admin.{action}",
            actor_id=viewer.user_id if viewer else None,
            target_type=self.table._meta.tablename,
            target_id=row_id,
            ip=_client_ip(request),
            data=data,
        )

    def _scoped_pk(self, row_id: Any) -> Clause:
        clause = self._row_clause()
        where = self.table._meta.primary_key == row_id
        return where if clause is None else (where & clause)

    @apply_validators
    @db_exception_handler
    async def post_single(self, request: Request, data: dict[str, Any]) -> Response:
        if not isinstance(data, dict):
            return Response("A JSON object is expected.", status_code=400)
        # A new row takes the defaults of hidden and locked columns, whatever the form sent.
        closed = set(self.policy.hidden) | set(self.policy.locked)
        data = {k: v for k, v in data.items() if k not in closed}
        self._check_columns(data)
        try:
            model = self.pydantic_model(**self._clean_data(data))
        except pydantic.ValidationError as exception:
            return Response(str(exception), status_code=400)
        # Columns the request left out take their defaults (not NULL).
        values = {k: v for k, v in model.model_dump(exclude_unset=True).items() if k not in closed}
        db = self.table._meta.db
        if issubclass(self.table, BaseUser):
            async with atomic(db):
                user = await self.table.create_user(**values)
                await self._record("create", request, user.id, {"fields": sorted(k for k in values if k != "password")})
            return CustomJSONResponse(dump_json({"id": user.id}), status_code=201)
        row = self.table(**values)
        if self._hook_map:
            row = await execute_post_hooks(hooks=self._hook_map, hook_type=HookType.pre_save, row=row, request=request)
        async with atomic(db):
            await self._check_targets(row.to_dict(), None)
            await self._guard([row.to_dict()])
            result = await row.save()
            await self._record(
                "create", request, getattr(row, self.table._meta.primary_key._meta.name), {"fields": sorted(values)}
            )
        return CustomJSONResponse(dump_json(result), status_code=201)

    @apply_validators
    @db_exception_handler
    async def put_single(self, request: Request, row_id: Any, data: dict[str, Any]) -> Response:
        """PUT behaves as PATCH of the fields sent: same hooks, same scope, same audit."""
        return await self._update(request, row_id, data)

    @apply_validators
    @db_exception_handler
    async def patch_single(self, request: Request, row_id: Any, data: dict[str, Any]) -> Response:
        return await self._update(request, row_id, data)

    async def _update(self, request: Request, row_id: Any, data: dict[str, Any]) -> Response:
        data = await self._without_unchanged_locked(row_id, data)
        self._check_columns(data)
        try:
            model = self.pydantic_model_optional(**self._clean_data(data))
        except pydantic.ValidationError as exception:
            return Response(str(exception), status_code=400)
        cls = self.table
        unknown = set(data) - set(model.model_dump())
        if unknown:
            return Response(f"Unrecognised keys - {unknown}.", status_code=400)
        values = {getattr(cls, key): getattr(model, key) for key in data}
        async with atomic(cls._meta.db):
            current = await cls.select(*self._guarded_columns()).where(self._scoped_pk(row_id)).first()
            if current is None:
                return Response("The resource doesn't exist", status_code=404)
            await self._check_targets({k._meta.name: v for k, v in values.items()}, current)
            await self._guard([current, {**current, **{k._meta.name: v for k, v in values.items()}}])
            if self._hook_map:
                values = await execute_patch_hooks(
                    hooks=self._hook_map, hook_type=HookType.pre_patch, row_id=row_id, values=values, request=request
                )
            if issubclass(cls, BaseUser) and (password := values.pop("password", None)):
                try:
                    cls._validate_password(password)
                except ValueError as error:
                    return Response(f"{error}", status_code=400)
                values["password"] = cls.hash_password(password)
            if values:
                changed = await cls.update(values).where(self._scoped_pk(row_id)).returning(cls._meta.primary_key)
                if not changed:
                    return Response("The resource doesn't exist", status_code=404)
            names = {getattr(getattr(k, "_meta", None), "name", k): v for k, v in values.items()}
            await self._record(
                "update",
                request,
                row_id,
                {"changed": _jsonable({k: (None if k == "password" else v) for k, v in names.items()})},
            )
        new_row = await cls.select(*self.readable_columns).where(cls._meta.primary_key == row_id).first()
        if new_row is None:
            return Response("The resource doesn't exist", status_code=404)
        return CustomJSONResponse(
            self._pydantic_model_output(include_columns=tuple(self.readable_columns))(**new_row).model_dump_json()
        )

    @apply_validators
    @db_exception_handler
    async def delete_single(self, request: Request, row_id: Any) -> Response:
        async with atomic(self.table._meta.db):
            current = await self.table.select(*self._guarded_columns()).where(self._scoped_pk(row_id)).first()
            if current is None:
                return Response("The resource doesn't exist", status_code=404)
            await self._guard([current])
            if self._hook_map:
                await execute_delete_hooks(
                    hooks=self._hook_map, hook_type=HookType.pre_delete, row_id=row_id, request=request
                )
            deleted = await self.table.delete().where(self._scoped_pk(row_id)).returning(self.table._meta.primary_key)
            if not deleted:
                return Response("The resource doesn't exist", status_code=404)
            await self._record("delete", request, row_id)
        return Response(status_code=204)

    @apply_validators
    async def delete_all(self, request: Request, params: dict[str, Any] | None = None) -> Response:
        params = self._clean_data(params) if params else {}
        try:
            split = self._split_params(params)
            query = self._apply_filters(self.table.delete(force=True), split)
            chosen = self._apply_filters(self.table.select(*self._guarded_columns()), split)
        except (ParamException, MalformedQuery) as exception:
            return Response(str(exception), status_code=400)
        pk = self.table._meta.primary_key
        async with atomic(self.table._meta.db):
            if self.policy.guard is not None:
                await self._guard(await chosen)
            assert isinstance(query, Delete)  # filtering keeps the kind of query
            deleted = await query.returning(pk)
            for row in deleted:
                await self._record("delete", request, row[pk._meta.name], {"bulk": True})
        return Response(status_code=204)


class ScopedAdminRouter(AdminRouter):
    """piccolo-admin whose tables are served by ``ScopedCRUD`` and whose table list is per person."""

    def __init__(self, *tables: Any, policies: dict[str, TablePolicy], **kwargs: Any) -> None:
        self.policies = policies

        def crud(**crud_kwargs: Any) -> ScopedCRUD:
            name = crud_kwargs["table"]._meta.tablename
            return ScopedCRUD(policy=policies[name], policies=policies, **crud_kwargs)

        # AdminRouter builds one PiccoloCRUD per table by its module-level name; hand it ours for
        # the duration of the build (the admin is built once, at start-up).
        admin_endpoints.PiccoloCRUD = crud  # type: ignore[assignment]
        try:
            super().__init__(*tables, **kwargs)
        finally:
            admin_endpoints.PiccoloCRUD = PiccoloCRUD  # type: ignore[assignment]  # the class it imported
        missing = set(self.table_config_map) - set(policies)
        if missing:
            raise RuntimeError(f"admin tables without a policy: {sorted(missing)}")
        self._refuse_bad_values()

    def _refuse_bad_values(self) -> None:
        """A value piccolo-admin's API cannot use (an unknown column to sort by, a number beyond range,
        a filter too long for its model, a date left empty, a weak new password) is the sender's
        mistake: 400 with the reason, never a 500. The API is a FastAPI app mounted at /api."""
        api = next(
            (getattr(route, "app", None) for route in self.routes if getattr(route, "path", None) == "/api"), None
        )
        while api is not None and not hasattr(api, "add_exception_handler"):
            api = getattr(api, "app", None)
        if api is None:
            raise RuntimeError("piccolo-admin's API app was not found")

        async def bad_value(request: Request, exc: Exception) -> JSONResponse:
            log.info("admin API refused %s %s: %r", request.method, request.url.path, exc)
            return JSONResponse(
                {"detail": "Dữ liệu gửi lên không hợp lệ. Invalid data: " + str(exc)[:300]}, status_code=400
            )

        for kind in (ValueError, OverflowError, TypeError, KeyError):
            api.add_exception_handler(kind, bad_value)

    def _listed(self, viewer: Viewer) -> list[str]:
        return [name for name in self.table_config_map if viewer.admin or self.policies[name].organizer >= Reach.read]

    async def get_table_list(self, request: Request) -> list[str]:  # type: ignore[override]
        return self._listed(await viewer_for(request))

    async def get_table_list_grouped(self, request: Request) -> GroupedTableNamesResponseModel:  # type: ignore[override]
        listed = set(self._listed(await viewer_for(request)))
        response = GroupedTableNamesResponseModel()
        for config in self.table_configs:
            name = config.table_class._meta.tablename
            if name not in listed:
                continue
            if config.menu_group is None:
                response.ungrouped.append(name)
            else:
                response.grouped.setdefault(config.menu_group, []).append(name)
        return response
