"""Any change to the reference content makes the engine's snapshot stale.

This is cache invalidation only; no clinical logic lives in signals.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from reference import models
from reference.snapshot import snapshot_invalidate

CONTENT_MODELS = (
    models.ContentVersion,
    models.Source,
    models.Finding,
    models.Condition,
    models.EvidenceLink,
    models.RedFlagRule,
    models.WorkupItem,
    models.WorkupRecommendation,
    models.Belief,
)

for _model in CONTENT_MODELS:
    post_save.connect(
        snapshot_invalidate, sender=_model, dispatch_uid=f"snap-save-{_model.__name__}"
    )
    post_delete.connect(
        snapshot_invalidate, sender=_model, dispatch_uid=f"snap-del-{_model.__name__}"
    )
for _through in (
    models.Condition.sources.through,
    models.EvidenceLink.sources.through,
    models.RedFlagRule.requires_all.through,
    models.RedFlagRule.requires_any.through,
    models.RedFlagRule.requires_absent.through,
    models.RedFlagRule.requires_not_present.through,
    models.RedFlagRule.requires_unassessed.through,
    models.RedFlagRule.sources.through,
    models.WorkupRecommendation.sources.through,
):
    m2m_changed.connect(snapshot_invalidate, sender=_through, dispatch_uid=f"snap-m2m-{_through}")
