"""Every user-facing error message, in English (the gettext message ids).

One place for the texts, so errors raised by services, schema rules and
FastAPI's own validation all translate through the same catalogs
(app/locale/<lang>/LC_MESSAGES/messages.po). `{name}` fields are filled from
the error's context after translation.
"""

from enum import StrEnum
from typing import Any


class Label(str):
    """A parameter of a message that is itself a message id (a status, an
    action): it is translated along with the message it fills."""


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker
    """Mark `message` for extraction without translating it here."""
    return message


class Plural(str):
    """A message whose words follow a number (CLDR plural forms: Arabic has
    six, French two): the string is its singular msgid, `plural` its plural
    one, `counted` the parameter holding the number (i18n.translate)."""

    plural: str
    counted: str

    def __new__(cls, singular: str, plural: str, counted: str) -> "Plural":
        message = super().__new__(cls, singular)
        message.plural, message.counted = plural, counted
        return message


def Np_(singular: str, plural: str, *, counted: str) -> Plural:  # noqa: N802
    """Mark a message with a plural for extraction (pybabel -k Np_:1,2)."""
    return Plural(singular, plural, counted)


# Pydantic's and FastAPI's built-in validation errors, by error type.
VALIDATION_MESSAGES: dict[str, str] = {
    "missing": N_("This field is required."),
    "string_too_short": Np_(
        "Must be at least {min_length} character long.",
        "Must be at least {min_length} characters long.",
        counted="min_length",
    ),
    "string_too_long": Np_(
        "Must be at most {max_length} character long.",
        "Must be at most {max_length} characters long.",
        counted="max_length",
    ),
    "string_pattern_mismatch": N_("This value does not have the expected format."),
    "string_type": N_("Must be text."),
    "string_unicode": N_("Must be text."),
    "url_too_long": Np_(
        "Must be at most {max_length} character long.",
        "Must be at most {max_length} characters long.",
        counted="max_length",
    ),
    "int_parsing": N_("Must be a whole number."),
    "int_type": N_("Must be a whole number."),
    "bool_parsing": N_("Must be true or false."),
    "bool_type": N_("Must be true or false."),
    "greater_than_equal": N_("Must be at least {ge}."),
    "less_than_equal": N_("Must be at most {le}."),
    "too_short": Np_(
        "Give at least {min_length} value.",
        "Give at least {min_length} values.",
        counted="min_length",
    ),
    "too_long": Np_(
        "Give at most {max_length} value.",
        "Give at most {max_length} values.",
        counted="max_length",
    ),
    "list_type": N_("Must be a list."),
    "dict_type": N_("Must be an object."),
    "model_type": N_("Must be an object."),
    "model_attributes_type": N_("Must be an object."),
    "enum": N_("Must be one of: {expected}."),
    "literal_error": N_("Must be one of: {expected}."),
    "date_parsing": N_("Must be a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": N_("Must be a date (YYYY-MM-DD)."),
    "date_type": N_("Must be a date (YYYY-MM-DD)."),
    "url_parsing": N_("Must be a web address (https://...)."),
    "url_scheme": N_("Must be a web address (https://...)."),
    "url_type": N_("Must be a web address (https://...)."),
    "value_error": N_("This value is not valid."),
    "json_invalid": N_("The request body is not valid JSON."),
    "extra_forbidden": N_("This field is not expected."),
}


class ErrorCode(StrEnum):
    """Stable error codes: the `type` of an error in API responses."""

    TEXT_HAS_NUL = "TEXT_HAS_NUL"
    TEXT_HAS_CONTROL = "TEXT_HAS_CONTROL"
    TEXT_HAS_LINE_BREAK = "TEXT_HAS_LINE_BREAK"
    TEXT_HAS_BIDI_CONTROL = "TEXT_HAS_BIDI_CONTROL"
    NOT_UNIQUE = "NOT_UNIQUE"
    REQUIRED_IN_ORIGINAL_LANGUAGE = "REQUIRED_IN_ORIGINAL_LANGUAGE"
    SUMMARY_TOO_LONG = "SUMMARY_TOO_LONG"
    END_BEFORE_START = "END_BEFORE_START"
    PRIMARY_NOT_LISTED = "PRIMARY_NOT_LISTED"
    INVALID_EMAIL = "INVALID_EMAIL"
    PASSWORD_TOO_SHORT = "PASSWORD_TOO_SHORT"
    UNKNOWN_CODE = "UNKNOWN_CODE"
    INVALID_CURSOR = "INVALID_CURSOR"
    PROJECT_NOT_FOUND = "PROJECT_NOT_FOUND"
    NOT_FOUND = "NOT_FOUND"
    USER_NOT_FOUND = "USER_NOT_FOUND"
    NOT_AUTHENTICATED = "NOT_AUTHENTICATED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    EMAIL_NOT_VERIFIED = "EMAIL_NOT_VERIFIED"
    ACCOUNT_DISABLED = "ACCOUNT_DISABLED"
    INVALID_TOKEN = "INVALID_TOKEN"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    REASON_REQUIRED = "REASON_REQUIRED"
    STALE_VERSION = "STALE_VERSION"
    INCOMPLETE_RECORD = "INCOMPLETE_RECORD"
    NOT_A_DRAFT = "NOT_A_DRAFT"
    NO_OPEN_REVISION = "NO_OPEN_REVISION"
    COUNTRY_REQUIRED = "COUNTRY_REQUIRED"
    COUNTRY_NOT_ALLOWED = "COUNTRY_NOT_ALLOWED"
    ALREADY_ENDORSED = "ALREADY_ENDORSED"
    HTTP_ERROR = "HTTP_ERROR"
    VALIDATION_ERROR = "VALIDATION_ERROR"
    CSRF_FAILED = "CSRF_FAILED"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    PUBLIC_ID_TAKEN = "PUBLIC_ID_TAKEN"
    BODY_TOO_LARGE = "BODY_TOO_LARGE"
    TOO_MANY_VALUES = "TOO_MANY_VALUES"
    MESSAGE_NOT_FOUND = "MESSAGE_NOT_FOUND"
    # knowledge exchange (issue 14)
    ONLY_TRUE = "ONLY_TRUE"
    NOT_PUBLISHED = "NOT_PUBLISHED"
    CONTACT_LIMIT_REACHED = "CONTACT_LIMIT_REACHED"
    CONTACT_BLOCKED = "CONTACT_BLOCKED"
    CONTACT_SUSPENDED = "CONTACT_SUSPENDED"
    CONTACT_OWN_ENTRY = "CONTACT_OWN_ENTRY"
    RELATION_TO_ITSELF = "RELATION_TO_ITSELF"
    RELATION_EXISTS = "RELATION_EXISTS"
    RELATION_NOT_PROPOSED = "RELATION_NOT_PROPOSED"
    ALREADY_GOOD_PRACTICE = "ALREADY_GOOD_PRACTICE"
    NOT_GOOD_PRACTICE = "NOT_GOOD_PRACTICE"
    CITATION_REQUIRED = "CITATION_REQUIRED"
    REPORT_CLOSED = "REPORT_CLOSED"
    THREAD_NOT_FOUND = "THREAD_NOT_FOUND"
    RELATION_NOT_FOUND = "RELATION_NOT_FOUND"
    REPORT_NOT_FOUND = "REPORT_NOT_FOUND"
    SAVED_SEARCH_NOT_FOUND = "SAVED_SEARCH_NOT_FOUND"
    CONTACT_UNREACHABLE = "CONTACT_UNREACHABLE"
    DESIGNATION_YEAR_AHEAD = "DESIGNATION_YEAR_AHEAD"
    TOO_MANY_SAVED_SEARCHES = "TOO_MANY_SAVED_SEARCHES"
    REPORT_LIMIT_REACHED = "REPORT_LIMIT_REACHED"
    CONTACT_MESSAGE_LIMIT_REACHED = "CONTACT_MESSAGE_LIMIT_REACHED"
    RELATION_LIMIT_REACHED = "RELATION_LIMIT_REACHED"


# The project's own rules (raised as PydanticCustomError or DomainError).
RULE_MESSAGES: dict[str, str] = {
    ErrorCode.CSRF_FAILED: N_("This form has expired. Reload the page and try again."),
    ErrorCode.TEXT_HAS_NUL: N_("Text cannot contain NUL characters."),
    ErrorCode.TEXT_HAS_CONTROL: N_(
        "This text contains an invisible control character ({character}): remove it."
    ),
    ErrorCode.TEXT_HAS_LINE_BREAK: N_(
        "This field holds one line: remove the line break ({character})."
    ),
    ErrorCode.TEXT_HAS_BIDI_CONTROL: N_(
        "This text contains an invisible direction mark ({character}) that "
        "reorders what readers see: remove it."
    ),
    ErrorCode.NOT_UNIQUE: N_("Each value may be given only once."),
    ErrorCode.REQUIRED_IN_ORIGINAL_LANGUAGE: N_(
        "Required in the entry's original language ({language})."
    ),
    ErrorCode.SUMMARY_TOO_LONG: N_(
        "The {language} summary is longer than {max_words} words."
    ),
    ErrorCode.END_BEFORE_START: N_("The end date cannot be before the start date."),
    ErrorCode.PRIMARY_NOT_LISTED: N_(
        "The primary action line must be one of the action lines."
    ),
    ErrorCode.INVALID_EMAIL: N_("Must be an email address."),
    ErrorCode.PASSWORD_TOO_SHORT: Np_(
        "The password must be at least {min_length} character.",
        "The password must be at least {min_length} characters.",
        counted="min_length",
    ),
    ErrorCode.UNKNOWN_CODE: N_("Unknown code: {code}."),
    ErrorCode.INVALID_CURSOR: N_(
        "Invalid cursor: pass back the next_cursor of a previous page."
    ),
    ErrorCode.PROJECT_NOT_FOUND: N_("No such project."),
    ErrorCode.NOT_FOUND: N_("Not found."),
    ErrorCode.USER_NOT_FOUND: N_("No such user."),
    ErrorCode.NOT_AUTHENTICATED: N_("Sign in first."),
    ErrorCode.INVALID_CREDENTIALS: N_("Wrong email or password."),
    ErrorCode.EMAIL_NOT_VERIFIED: N_(
        "Confirm your email address first (see the message we sent)."
    ),
    ErrorCode.ACCOUNT_DISABLED: N_("This account is disabled."),
    ErrorCode.INVALID_TOKEN: N_("This link or token is invalid or has expired."),
    ErrorCode.EMAIL_TAKEN: N_("An account with this email address already exists."),
    ErrorCode.PERMISSION_DENIED: N_("You are not allowed to do this."),
    ErrorCode.INVALID_TRANSITION: N_(
        "You cannot {action} the entry while it is {status}. Possible now: {allowed}."
    ),
    ErrorCode.REASON_REQUIRED: N_("Give a reason: the submitter will read it."),
    ErrorCode.STALE_VERSION: N_(
        "The entry changed since you loaded it; reload it and try again."
    ),
    ErrorCode.INCOMPLETE_RECORD: N_("The entry is not complete yet."),
    ErrorCode.NOT_A_DRAFT: N_("Only a draft can be deleted."),
    ErrorCode.NO_OPEN_REVISION: N_("This entry has no revision waiting for review."),
    ErrorCode.COUNTRY_REQUIRED: N_(
        "Contributors and focal points belong to one country."
    ),
    ErrorCode.COUNTRY_NOT_ALLOWED: N_(
        "Moderators and admins are not bound to a country."
    ),
    ErrorCode.ALREADY_ENDORSED: N_("This entry is already endorsed."),
    ErrorCode.HTTP_ERROR: N_("The request could not be handled."),
    ErrorCode.PUBLIC_ID_TAKEN: N_("Another entry already has this identifier."),
    ErrorCode.TOO_MANY_ATTEMPTS: N_(
        "Too many attempts. Wait {minutes} min and try again."
    ),
    ErrorCode.BODY_TOO_LARGE: N_(
        "The request is too large: at most {max_kib} KiB can be sent."
    ),
    ErrorCode.TOO_MANY_VALUES: N_("Give at most {max_values} different values."),
    ErrorCode.VALIDATION_ERROR: N_("This value is not valid."),
    ErrorCode.MESSAGE_NOT_FOUND: N_("No such undelivered email."),
    # knowledge exchange (issue 14)
    ErrorCode.ONLY_TRUE: N_('Only "true" is accepted here.'),
    ErrorCode.NOT_PUBLISHED: N_("This entry is not published."),
    ErrorCode.CONTACT_LIMIT_REACHED: N_(
        "You have written to {limit} teams in this period, the most allowed. "
        "Wait {minutes} min and try again."
    ),
    ErrorCode.CONTACT_BLOCKED: N_("This entry's team does not accept your messages."),
    ErrorCode.CONTACT_SUSPENDED: N_(
        "Your messages to entry teams are suspended. Write to AICTO if you "
        "think this is a mistake."
    ),
    ErrorCode.CONTACT_OWN_ENTRY: N_("This is your own entry."),
    ErrorCode.RELATION_TO_ITSELF: N_("An entry cannot be related to itself."),
    ErrorCode.RELATION_EXISTS: N_("These two entries are already related this way."),
    ErrorCode.RELATION_NOT_PROPOSED: N_("This relation is no longer waiting."),
    ErrorCode.ALREADY_GOOD_PRACTICE: N_("This entry is already a good practice."),
    ErrorCode.NOT_GOOD_PRACTICE: N_("This entry is not a good practice."),
    ErrorCode.CITATION_REQUIRED: N_(
        "Write the citation in at least one language: why this is a good practice."
    ),
    ErrorCode.REPORT_CLOSED: N_("This report is already closed."),
    ErrorCode.THREAD_NOT_FOUND: N_("No such conversation."),
    ErrorCode.RELATION_NOT_FOUND: N_("No such relation."),
    ErrorCode.REPORT_NOT_FOUND: N_("No such report."),
    ErrorCode.SAVED_SEARCH_NOT_FOUND: N_("No such saved search."),
    ErrorCode.CONTACT_UNREACHABLE: N_(
        "This entry's team cannot be reached through the repository yet."
    ),
    ErrorCode.DESIGNATION_YEAR_AHEAD: N_("The year can be {latest} at the latest."),
    ErrorCode.TOO_MANY_SAVED_SEARCHES: N_(
        "You have {max_searches} saved searches, the most allowed: delete one first."
    ),
    ErrorCode.REPORT_LIMIT_REACHED: N_(
        "You have reported {limit} problems in this period, the most allowed. "
        "Wait {minutes} min and try again."
    ),
    ErrorCode.CONTACT_MESSAGE_LIMIT_REACHED: N_(
        "You have sent {limit} messages in this period, the most allowed. "
        "Wait {minutes} min and try again."
    ),
    ErrorCode.RELATION_LIMIT_REACHED: N_(
        "You have proposed {limit} relations in this period, the most allowed. "
        "Wait {minutes} min and try again."
    ),
}

# Role names as people read them (in emails and pages).
ROLE_LABELS: dict[str, str] = {
    "contributor": N_("contributor"),
    "focal_point": N_("national focal point"),
    "moderator": N_("moderator"),
    "admin": N_("administrator"),
}

# Entry statuses and workflow actions, as named inside messages.
STATUS_LABELS: dict[str, str] = {
    "draft": N_("a draft"),
    "submitted": N_("submitted"),
    "changes_requested": N_("waiting for changes"),
    "approved": N_("published"),
    "rejected": N_("rejected"),
    "withdrawn": N_("withdrawn"),
    "archived": N_("archived"),
}
ACTION_LABELS: dict[str, str] = {
    "submit": N_("submit"),
    "withdraw": N_("withdraw"),
    "approve": N_("approve"),
    "request_changes": N_("request changes"),
    "reject": N_("reject"),
    "archive": N_("archive"),
    "endorse": N_("endorse"),
    "edit": N_("edit"),
}

# The same, as shown on their own: status badges, buttons, history lines.
STATUS_NAMES: dict[str, str] = {
    "draft": N_("Draft"),
    "submitted": N_("Submitted"),
    "changes_requested": N_("Changes requested"),
    "approved": N_("Published"),
    "rejected": N_("Rejected"),
    "withdrawn": N_("Withdrawn"),
    "archived": N_("Archived"),
}
ACTION_BUTTONS: dict[str, str] = {
    "submit": N_("Submit for review"),
    "withdraw": N_("Withdraw"),
    "approve": N_("Approve and publish"),
    "request_changes": N_("Request changes"),
    "reject": N_("Reject"),
    "archive": N_("Archive"),
    "endorse": N_("Endorse"),
}
HISTORY_LINES: dict[str, str] = {
    "submit": N_("Submitted"),
    "withdraw": N_("Withdrawn"),
    "approve": N_("Approved and published"),
    "request_changes": N_("Changes requested"),
    "reject": N_("Rejected"),
    "archive": N_("Archived"),
    "endorse": N_("Endorsed by the focal point"),
    "submit_revision": N_("Changes to the published entry submitted"),
    "approve_revision": N_("Changes approved and published"),
    "request_revision_changes": N_("Changes to the revision requested"),
    "reject_revision": N_("Revision rejected"),
    "designate_good_practice": N_("Designated a good practice"),
    "withdraw_good_practice": N_("Good-practice designation withdrawn"),
}
IMPLEMENTATION_STATUS_LABELS: dict[str, str] = {
    "planned": N_("Planned"),
    "ongoing": N_("Ongoing"),
    "completed": N_("Completed"),
}
SCOPE_LABELS: dict[str, str] = {
    "local": N_("Local"),
    "national": N_("National"),
    "regional": N_("Regional"),
    "international": N_("International"),
}

OFFER_LABELS: dict[str, str] = {
    "open_to_replication": N_("Open to replication"),
    "seeks_partners": N_("Seeks partners"),
    "offers_expertise": N_("Offers training or expertise"),
    "seeks_funding": N_("Seeks funding"),
}
GOOD_PRACTICE_LABELS: dict[bool, str] = {True: N_("Good practice")}
# The names of the values of the filters that are not taxonomies.
CHOICE_LABELS_BY_FILTER: dict[str, dict[Any, str]] = {
    "implementation_status": IMPLEMENTATION_STATUS_LABELS,
    "scope": SCOPE_LABELS,
    "offer": OFFER_LABELS,
    "good_practice": GOOD_PRACTICE_LABELS,
}

# Column headers of the exports, in order (keys are the export's field names).
EXPORT_COLUMNS: dict[str, str] = {
    "id": N_("ID"),
    "title": N_("Title"),
    "url": N_("Link"),
    "summary": N_("Summary"),
    "description": N_("Description"),
    "lead_organization": N_("Lead organisation"),
    "entity_type": N_("Type of organisation"),
    "lead_country": N_("Country of the lead organisation"),
    "partners": N_("Partners"),
    "countries": N_("Countries"),
    "scope": N_("Geographic scope"),
    "activity_type": N_("Type of activity"),
    "implementation_status": N_("Implementation status"),
    "start_date": N_("Start date"),
    "end_date": N_("End date"),
    "website": N_("Website"),
    "primary_action_line": N_("Main WSIS action line"),
    "action_lines": N_("WSIS action lines"),
    "sdgs": N_("Sustainable Development Goals"),
    "wsis_targets": N_("WSIS targets"),
    "gdc_objectives": N_("Global Digital Compact objectives"),
    "technologies": N_("Technologies"),
    "target_groups": N_("Target groups"),
    "funding_source": N_("Funding source"),
    "budget_range": N_("Budget range"),
    "offers": N_("Offers and needs"),
    "offer_note": N_("Note on the offers and needs"),
    "impact": N_("Impact"),
    "challenges": N_("Challenges"),
    "keywords": N_("Keywords"),
    "unesco_alignment": N_(
        "Aligned with the UNESCO Recommendation on the Ethics of AI"
    ),
    "is_sample": N_("Sample entry"),
    "published_at": N_("Published on"),
    "updated_at": N_("Last updated"),
}
YES_NO: dict[str, str] = {"yes": N_("Yes"), "partly": N_("Partly"), "no": N_("No")}
# Parts of the record with no column of their own in the exports.
PART_LABELS = {
    "responsible_ai": N_("Responsible AI"),
    "data_sources": N_("Data sources used"),
    "human_oversight": N_("Human oversight"),
    "risk_assessment_done": N_("Was a risk assessment done?"),
    "affected_groups": N_("Groups affected and how they were consulted"),
    "contact": N_("Contact person"),
}
# The entry page's groups of fields, in their order.
ENTRY_GROUPS: dict[str, str] = {
    "what": N_("What"),
    "who": N_("Who"),
    "where": N_("Where"),
    "when": N_("When"),
    "wsis": N_("WSIS mapping"),
    "ai": N_("AI and responsible AI"),
    "impact": N_("Impact"),
    "partners": N_("Partners"),
    "funding": N_("Funding"),
    "links": N_("Links"),
}
CITE_ENTRY = N_("Cite this entry")
CITATION = N_(
    "{title}. AICTO Regional Repository of AI and Emerging-Technology "
    "Initiatives, entry {id}, published {published}. {url}"
)

CHART_TITLES: dict[str, str] = {
    "action-lines": N_("Entries per WSIS action line"),
    "sdgs": N_("Entries per Sustainable Development Goal"),
    "countries": N_("Entries per country"),
    "years": N_("Entries running in each year"),
    "started": N_("New entries per year (by start date)"),
    "action-lines-by-country": N_("Entries per WSIS action line and country"),
}
NO_ENTRIES = N_("No entries match these filters.")
# The dashboard's headline figures: the word after each number.
HEADLINES: dict[str, str] = {
    "entries": Np_("entry", "entries", counted="count"),
    "countries": Np_("country", "countries", counted="count"),
    "action_lines": Np_("action line", "action lines", counted="count"),
    "sdgs": Np_("goal (SDG)", "goals (SDGs)", counted="count"),
    "technologies": Np_("technology", "technologies", counted="count"),
    "since": N_("earliest start year"),
    "good_practices": Np_("good practice", "good practices", counted="count"),
}
# The columns of a chart's numbers (/charts/{name}.csv).
CHART_COLUMNS: dict[str, str] = {
    "code": N_("Code"),
    "name": N_("Name"),
    "entries": N_("Entries"),
}

FEED_TITLE = N_(
    "Regional repository of AI initiatives in the Arab region: newest entries"
)

FACET_TITLES: dict[str, str] = {
    "action_line": N_("WSIS action line"),
    "sdg": N_("Sustainable Development Goal"),
    "country": N_("Country"),
    "entity_type": N_("Type of organisation"),
    "technology": N_("Technology"),
    "activity_type": N_("Type of activity"),
    "implementation_status": N_("Implementation status"),
    "offer": N_("Offers and needs"),
    "good_practice": N_("Good practices"),
    "year": N_("Year"),
}
# What a filter is called where the catalog offers to leave it out.
FILTER_TITLES: dict[str, str] = FACET_TITLES | {
    "sub_region": N_("Sub-region"),
    "target_group": N_("Target group"),
    "wsis_target": N_("WSIS target"),
    "gdc_objective": N_("Global Digital Compact objective"),
    "scope": N_("Geographic scope"),
    "q": N_("the words searched"),
}
SUGGESTIONS = N_("Suggestions")
SUGGEST_FILTER = N_("Filter by {term} ({count})")
RESULT_RANGE = Np_(  # an en dash between the numbers, as typography has it
    "{first}–{last} of {total} entry",  # noqa: RUF001
    "{first}–{last} of {total} entries",  # noqa: RUF001
    counted="count",
)
# The chips of the years running and of the words searched.
YEARS_RUNNING: dict[str, str] = {
    "both": N_("Running {first}–{last}"),  # noqa: RUF001 - an en dash
    "from": N_("Running from {first}"),
    "to": N_("Running until {last}"),
}
WORDS_SEARCHED = N_("Words: {q}")
SEARCHED_INSTEAD = N_('Results for "{q}": no entry holds "{word}"')
SUGGEST_DROP = N_("Without {filter} ({count})")
SORT_LABELS: dict[str, str] = {
    "relevance": N_("Relevance"),
    "newest": N_("Newest"),
    "title": N_("Title"),
    "start_date": N_("Start date"),
}
LANGUAGE_NAMES: dict[str, str] = {
    "ar": N_("Arabic"),
    "en": N_("English"),
    "fr": N_("French"),
}

# Headings of the error pages, by HTTP status.
ERROR_PAGE_HEADINGS: dict[int, str] = {
    400: N_("This request could not be understood"),
    401: N_("Sign in first"),
    403: N_("You are not allowed to see this page"),
    404: N_("Page not found"),
    409: N_("This cannot be done now"),
    413: N_("This request is too large"),
    422: N_("Some parameters are not valid"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
}
SERVER_ERROR = N_("The error was recorded. Please try again later.")

# One-line notices shown after a redirect (kept in a short-lived cookie by key).
FLASH_MESSAGES: dict[str, str] = {
    "signed_in": N_("You are signed in."),
    "signed_out": N_("You are signed out."),
    "registered": N_(
        "Almost done: open the link we emailed you to confirm your address."
    ),
    "verified": N_("Your email address is confirmed. You can sign in."),
    "reset_sent": N_("If an account uses this address, a reset link is on its way."),
    "password_set": N_("Your password is saved. You can sign in."),
    "draft_saved": N_("Draft saved."),
    "submitted": N_("Submitted: a moderator will review the entry."),
    "revision_submitted": N_(
        "Your changes are sent for review; the published version stays until then."
    ),
    "withdrawn": N_("The submission is withdrawn."),
    "endorsed": N_("Endorsement recorded."),
    "deleted": N_("The draft is deleted."),
    "commented": N_("Comment sent."),
    "decided": N_("Decision recorded; the submitter is notified."),
    "user_updated": N_("The account is updated."),
    "invited": N_("Invitation sent."),
    "mail_retried": N_("The email is queued again."),
    # knowledge exchange (issue 14)
    "message_sent": N_(
        "Your message is on its way to the entry's team. Their answer will "
        "appear here and you will get an email."
    ),
    "reply_sent": N_("Your answer is sent."),
    "sender_blocked": N_("This person can no longer write to this entry."),
    "thread_reported": N_("Thank you: the moderators will read this conversation."),
    "sender_suspended": N_("The sender may no longer write to any entry."),
    "suspension_lifted": N_("The sender may write to entry teams again."),
    "designated": N_("The entry is designated a good practice."),
    "designation_withdrawn": N_("The good-practice designation is withdrawn."),
    "relation_proposed": N_(
        "Relation proposed: it appears on both entries once the other side accepts it."
    ),
    "relation_accepted": N_("Relation accepted: both entries show it."),
    "relation_declined": N_("Relation declined."),
    "relation_withdrawn": N_("Proposal withdrawn."),
    "followed": N_("You follow this entry: you will get an email when it changes."),
    "unfollowed": N_("You no longer follow this entry."),
    "search_saved": N_("Search saved: its alerts and feed are below."),
    "search_updated": N_("The alert is updated."),
    "search_deleted": N_("The saved search is deleted."),
    "feed_renewed": N_("The feed has a new address: the old one no longer works."),
    "unsubscribed": N_("Done: you will get no more of these emails."),
    "problem_reported": N_(
        "Thank you: the entry's team and the moderators are told of the problem."
    ),
    "report_closed": N_("The report is closed; its author is told."),
}
SET_PASSWORD_HEADINGS: dict[str, str] = {
    "reset": N_("Choose a new password"),
    "invitation": N_("Accept the invitation: choose your password"),
}
CSRF_FAILED = RULE_MESSAGES[ErrorCode.CSRF_FAILED]

# Contact the team (issue 14): the purposes a sender gives, and the notices.
CONTACT_PURPOSE_LABELS: dict[str, str] = {
    "replicate": N_("Replicate it in my country"),
    "partner": N_("Partner with the team"),
    "learn": N_("Learn from their experience"),
    "other": N_("Something else"),
}

# Good practices (issue 14): the notices after a designation or withdrawal.

# Relations between entries (issue 14): each read from one entry's side
# (schemas.relations.RelationReading), the replication figure, the notices.
RELATION_READINGS: dict[str, str] = {
    "replicated_in": N_("Replicated in"),
    "replicated_from": N_("Replicated from"),
    "same_programme": N_("Same programme as"),
    "followed_by": N_("Followed by the next phase"),
    "follow_up_of": N_("Follow-up phase of"),
    "inspired": N_("Inspired"),
    "inspired_by": N_("Inspired by"),
}
# The same, as the proposal form offers them.
RELATION_CHOICES: dict[str, str] = {
    "replicated_in": N_("This entry was replicated as the other one"),
    "replicated_from": N_("This entry replicates the other one"),
    "same_programme": N_("Both belong to the same programme"),
    "followed_by": N_("The other entry is a follow-up phase of this one"),
    "follow_up_of": N_("This entry is a follow-up phase of the other one"),
    "inspired": N_("This entry inspired the other one"),
    "inspired_by": N_("This entry was inspired by the other one"),
}
REPLICATED_IN_COUNTRIES = Np_(
    "Replicated in {count} country", "Replicated in {count} countries", counted="count"
)

# Follows and alerts (issue 14): how often a saved search's digest comes, and
# the notices.
ALERT_FREQUENCY_LABELS: dict[str, str] = {
    "immediately": N_("As soon as there is something new"),
    "weekly": N_("Once a week"),
    "monthly": N_("Once a month"),
}
GOOD_PRACTICES_FEED_TITLE = N_(
    "Regional repository of AI initiatives in the Arab region: good practices"
)

# Report a problem (issue 14): what is wrong with an entry, a report's
# status, and the notices.
PROBLEM_KIND_LABELS: dict[str, str] = {
    "outdated": N_("Out of date"),
    "wrong": N_("Wrong information"),
    "broken_link": N_("Broken link"),
    "not_ai": N_("Not about AI or emerging technologies"),
    "duplicate": N_("Duplicate of another entry"),
}
REPORT_STATUS_LABELS: dict[str, str] = {
    "open": N_("Open"),
    "closed": N_("Closed"),
    "all": N_("All reports"),  # the desk's tab of both
}
