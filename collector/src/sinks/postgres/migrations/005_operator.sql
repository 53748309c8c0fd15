-- Rights of hindsight_operator, the login of the operator API's admin endpoints (PATCH run metadata,
-- pin and unpin). It reads runs to check the caller's tenant, edits only the metadata columns of
-- journal_run, and pins through the SECURITY DEFINER functions of migration 004; it can neither write
-- events nor touch the audit log. Runs as hindsight_owner.

GRANT SELECT ON hindsight.journal_run TO hindsight_operator;
GRANT UPDATE (tags, test_plan, description, updated_at) ON hindsight.journal_run TO hindsight_operator;
GRANT EXECUTE ON FUNCTION hindsight.pin_run(text, hindsight.pin_mode, text, text) TO hindsight_operator;
GRANT EXECUTE ON FUNCTION hindsight.unpin_run(text) TO hindsight_operator;
