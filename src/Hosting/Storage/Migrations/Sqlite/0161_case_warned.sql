-- Warned (督办) cases are listed by the command centre next to overdue ones.
ALTER TABLE gridgov_cases ADD COLUMN warned INTEGER NOT NULL DEFAULT 0;
