"""Members' own requests to have their personal data erased (the committee decides)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import ErasureRequestStatus
from storage.models import ErasureRequest


class ErasureRequestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, request_id: int, *, for_update: bool = False) -> ErasureRequest | None:
        query = select(ErasureRequest).where(ErasureRequest.id == request_id)
        if for_update:
            query = query.with_for_update().execution_options(populate_existing=True)
        return await self.session.scalar(query)

    async def pending_of(self, member_id: int) -> ErasureRequest | None:
        query = select(ErasureRequest).where(
            ErasureRequest.member_id == member_id,
            ErasureRequest.status == ErasureRequestStatus.PENDING,
        )
        return await self.session.scalar(query.limit(1))

    async def add(self, cell_id: int, member_id: int, at: datetime) -> ErasureRequest:
        request = ErasureRequest(cell_id=cell_id, member_id=member_id, requested_at=at)
        self.session.add(request)
        await self.session.flush()
        return request
