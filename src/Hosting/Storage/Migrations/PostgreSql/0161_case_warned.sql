-- Warned (督办) cases are listed by the command centre next to overdue ones.
ALTER TABLE gridgov_cases ADD COLUMN warned boolean NOT NULL DEFAULT false;
