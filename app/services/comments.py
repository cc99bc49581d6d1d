"""The non-public discussion on an entry between its submitters and moderators."""

from sqlmodel import Session, col, select

from app.config import Settings
from app.models import ProjectComment, User
from app.schemas.moderation import CommentPublic
from app.services import moderation, notifications, projects


def add_comment(
    session: Session, *, public_id: str, author: User, body: str, settings: Settings
) -> CommentPublic:
    """A non-public message on an entry; the other side is emailed."""
    project = projects.find_for_work(session, public_id, author)
    assert project.id is not None and author.id is not None
    comment = ProjectComment(project_id=project.id, author_id=author.id, body=body)
    session.add(comment)
    notifications.commented(
        session, project=project, author=author, body=body, settings=settings
    )
    session.commit()
    session.refresh(comment)
    return CommentPublic(
        id=comment.id or 0,
        author=moderation.people(session, {author.id})[author.id],
        body=comment.body,
        created_at=comment.created_at,
    )


def list_comments(
    session: Session, *, public_id: str, user: User
) -> list[CommentPublic]:
    project = projects.find_for_work(session, public_id, user)
    assert project.id is not None
    return comments_on(session, [project.id]).get(project.id, [])


def comments_on(
    session: Session, project_ids: list[int]
) -> dict[int, list[CommentPublic]]:
    """The discussions on several entries (two queries), oldest first. The
    caller has checked that the entries may be seen."""
    comments = session.exec(
        select(ProjectComment)
        .where(col(ProjectComment.project_id).in_(project_ids))
        .order_by(col(ProjectComment.id))
    ).all()
    authors = moderation.people(session, {comment.author_id for comment in comments})
    found: dict[int, list[CommentPublic]] = {}
    for c in comments:
        found.setdefault(c.project_id, []).append(
            CommentPublic(
                id=c.id or 0,
                author=authors[c.author_id],
                body=c.body,
                created_at=c.created_at,
            )
        )
    return found
