-- 0008_task_indexes.sql — two fewer index writes for every task.
--
-- A station's task list now finds its tasks through the grids of its
-- communities (tasks_open_grid), so the index by community goes. The
-- house index was read only to ask whether a house has an open
-- group-rental task; most tasks are about people, so it now holds just
-- the group-rental ones.
DROP INDEX tasks_open_community;
DROP INDEX tasks_open_house;
CREATE INDEX tasks_open_group_rental ON tasks(house_id)
	WHERE status = 'open' AND kind = 'group_rental';
