DROP TABLE bulk_actions;
DROP TABLE task_columns;
DROP TABLE task_views;
