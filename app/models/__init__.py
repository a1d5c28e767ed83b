"""SQLAlchemy models, one module per aggregate. Importing this package registers them all on
flask_appbuilder.Model.metadata, which Alembic compares against."""

from app.models import api, bulk, outreach, stats  # noqa: F401  (feature modules)
from app.models.audit import AuditLog  # noqa: F401
from app.models.codes import (  # noqa: F401
    ContractType,
    EducationLevel,
    EmployerType,
    EmploymentForm,
    IndustryDivision,
    IndustrySection,
    OwnershipType,
    SpecialGroup,
    TerminationReason,
)
from app.models.documents import Document, DocumentBatch, DocumentBatchItem, JobClaim, UnitSeal  # noqa: F401,E501
from app.models.filings import (  # noqa: F401
    Channel,
    CorrectionRule,
    Employment,
    Filing,
    FilingAttachment,
    Notice,
)
from app.models.individuals import (  # noqa: F401
    ChangeRequest,
    Dispute,
    IndividualAccount,
    VerificationAttempt,
)
from app.models.org import Office, OfficeLevel, Region, RegionLevel  # noqa: F401
from app.models.people import Person, person_special_group  # noqa: F401
from app.models.units import Unit, UnitStatus  # noqa: F401
from app.models.users import BeianUser  # noqa: F401
