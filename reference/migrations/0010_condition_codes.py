# A condition can carry further ICD-10-CM codes beside its main one, and a note on how well
# its codes fit (issue 9, section 4). Named without a sibling dependency beyond 0009 so that
# it can be renumbered if another branch adds a migration first.

from django.db import migrations, models

ADDITIONAL_HELP = (
    'Codes that apply beside the main one, in order: [{"code": "G45.9", '
    '"display": "Transient cerebral ischemic attack, unspecified"}].'
)
FIT_HELP = (
    "How well the codes fit the topic, shown beside them: say so when no code fits well, "
    "or when a code applies only at one stage."
)


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0009_flag_only_topics"),
    ]

    operations = [
        migrations.AddField(
            model_name=model,
            name="icd10cm_additional",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text=ADDITIONAL_HELP,
                verbose_name="further ICD-10-CM codes",
            ),
        )
        for model in ("condition", "historicalcondition")
    ] + [
        migrations.AddField(
            model_name=model,
            name="code_fit_note",
            field=models.TextField(blank=True, help_text=FIT_HELP),
        )
        for model in ("condition", "historicalcondition")
    ]
