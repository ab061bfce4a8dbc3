-- Honest abstention (issue 11): whether an analyst should check the category, the runner-up
-- code with its confidence, and which model decided (HOME/models/<version>, or "shipped").
ALTER TABLE article_categories ADD COLUMN needs_review BOOLEAN DEFAULT false;
ALTER TABLE article_categories ADD COLUMN second_category VARCHAR;
ALTER TABLE article_categories ADD COLUMN second_confidence DOUBLE;
ALTER TABLE article_categories ADD COLUMN model_version VARCHAR;
