DROP TABLE tasks;
DROP TABLE project_members;
DROP TABLE projects;
DROP TABLE auth_failures;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
