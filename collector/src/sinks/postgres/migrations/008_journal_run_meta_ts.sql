-- When each metadata value of a run was set: the ts of the event that carried it, or the time an
-- operator edited it. The sink keeps the value of the newest event whatever the batching and arrival
-- order; before, the batch written last won, so the same events batched differently could leave
-- another value. Rows from before this migration have no ts: the next value replaces theirs.
-- Runs as hindsight_owner.

ALTER TABLE hindsight.journal_run
  ADD COLUMN scenario_ts    timestamptz,
  ADD COLUMN test_plan_ts   timestamptz,
  ADD COLUMN description_ts timestamptz,
  ADD COLUMN tags_ts        timestamptz;

-- An operator's edit is a value of its own time: newer events still replace it, older ones do not.
GRANT UPDATE (tags_ts, test_plan_ts, description_ts) ON hindsight.journal_run TO hindsight_operator;
