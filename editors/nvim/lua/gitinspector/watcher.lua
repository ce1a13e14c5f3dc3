-- Watches each repository's git directory (HEAD, refs, index) with libuv, because Neovim
-- does not offer dynamic workspace/didChangeWatchedFiles registration on Linux. A change is
-- sent to the daemon as workspace/didChangeWatchedFiles (it then re-reads HEAD and asks for
-- workspace/codeLens/refresh), and the plugin drops its cached blame itself too.
local M = {}

---@type table<string, {handles: uv.uv_fs_event_t[], timer: uv.uv_timer_t}>
local watched = {}

--- The git directory of a work tree root (.git may be a file for worktrees/submodules).
local function git_dir(root)
  local dot = root .. '/.git'
  local stat = vim.uv.fs_stat(dot)
  if stat and stat.type == 'directory' then
    return dot
  end
  local r = vim
    .system({ 'git', '-C', root, 'rev-parse', '--absolute-git-dir' }, { text = true })
    :wait(5000)
  if r.code == 0 then
    return vim.trim(r.stdout)
  end
end

--- Starts watching the repository of `root`; on_change(root, changed_paths) after a
--- debounce. Idempotent.
function M.watch(root, on_change)
  if watched[root] then
    return
  end
  local dir = git_dir(root)
  if not dir then
    return
  end
  local state = { handles = {}, timer = vim.uv.new_timer(), changed = {} }
  watched[root] = state
  local function fire()
    local changed = vim.tbl_keys(state.changed)
    state.changed = {}
    on_change(root, changed)
  end
  for _, sub in ipairs({ '', '/refs/heads' }) do
    local path = dir .. sub
    local handle = vim.uv.new_fs_event()
    if handle then
      local ok = handle:start(path, {}, function(err, name)
        if err or not name or name:match('%.lock$') then
          return
        end
        state.changed[path .. '/' .. name] = true
        state.timer:stop()
        state.timer:start(200, 0, vim.schedule_wrap(fire))
      end)
      if ok then
        table.insert(state.handles, handle)
      else
        handle:close()
      end
    end
  end
end

return M
