-- Current-line blame: end-of-line virtual text after the cursor rests for `delay` ms,
-- rendered from the cached document blame (no request per cursor move).
local cache = require('gitinspector.cache')
local client = require('gitinspector.client')
local config = require('gitinspector.config')
local util = require('gitinspector.util')

local M = {}

M.ns = vim.api.nvim_create_namespace('gitinspector_blame')
M.enabled = true

local timer = nil
local attached = {} ---@type table<integer, boolean>
local MARK_ID = 1

local function stop_timer()
  if timer then
    timer:stop()
  end
end

function M.clear(bufnr)
  if bufnr and vim.api.nvim_buf_is_valid(bufnr) then
    vim.api.nvim_buf_clear_namespace(bufnr, M.ns, 0, -1)
  end
end

function M.clear_all()
  for buf in pairs(attached) do
    M.clear(buf)
  end
end

local warned_no_defaults = false

--- The text shown for a 0-based line of a buffer, or nil (from the cache only). Template and
--- date format are the user's options, else the defaults the buffer's daemon announced.
function M.text_for(bufnr, line)
  local entry = cache.current(bufnr)
  if not entry then
    return nil
  end
  local commit = cache.commit_at(entry, line)
  if not commit then
    return nil
  end
  local defaults = client.defaults(bufnr)
  local template = config.daemon_setting('blameTemplate', defaults)
  if type(template) ~= 'string' then
    if not warned_no_defaults then
      warned_no_defaults = true
      util.notify(
        'the daemon announces no defaults (capabilities.experimental.gitinspector.defaults):'
          .. ' it is older than this plugin; set blame_template or update it',
        vim.log.levels.WARN
      )
    end
    return nil
  end
  return util.blame_text(template, commit, entry.data.currentUser, {
    you = config.options.you,
    date_format = config.daemon_setting('dateFormat', defaults),
  })
end

--- Draws the blame of the cursor line of `bufnr` (fetching the document blame if needed).
function M.show(bufnr)
  if not M.enabled or not attached[bufnr] or not vim.api.nvim_buf_is_valid(bufnr) then
    return
  end
  if vim.api.nvim_get_current_buf() ~= bufnr then
    return
  end
  local line = vim.api.nvim_win_get_cursor(0)[1] - 1
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  cache.get(bufnr, function(entry)
    if not entry or not M.enabled or not vim.api.nvim_buf_is_valid(bufnr) then
      return
    end
    if vim.api.nvim_get_current_buf() ~= bufnr then
      return
    end
    if vim.api.nvim_buf_get_changedtick(bufnr) ~= tick then
      return -- edited meanwhile: the TextChanged that followed schedules a new draw
    end
    if vim.fn.mode():match('^[iR]') then
      return
    end
    local cur = vim.api.nvim_win_get_cursor(0)[1] - 1
    if cur ~= line then
      return
    end
    local text = M.text_for(bufnr, line)
    M.clear(bufnr)
    if not text then
      return
    end
    vim.api.nvim_buf_set_extmark(bufnr, M.ns, line, 0, {
      id = MARK_ID,
      virt_text = { { '    ' .. text, config.options.highlights.current_line } },
      virt_text_pos = 'eol',
      hl_mode = 'combine',
      priority = 100,
    })
  end)
end

--- Restarts the delay timer for the buffer's cursor line.
function M.schedule(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if not M.enabled or not attached[bufnr] then
    return
  end
  -- Hide a blame that no longer belongs to the cursor line.
  local marks = vim.api.nvim_buf_get_extmarks(bufnr, M.ns, 0, -1, {})
  local line = vim.api.nvim_win_get_cursor(0)[1] - 1
  for _, m in ipairs(marks) do
    if m[2] ~= line then
      M.clear(bufnr)
      break
    end
  end
  timer = timer or vim.uv.new_timer()
  stop_timer()
  timer:start(
    config.options.delay or 0,
    0,
    vim.schedule_wrap(function()
      M.show(bufnr)
    end)
  )
end

function M.attach(bufnr)
  if attached[bufnr] then
    return
  end
  attached[bufnr] = true
  local group = vim.api.nvim_create_augroup('gitinspector_blame_' .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ 'CursorMoved', 'TextChanged', 'BufEnter', 'InsertLeave' }, {
    group = group,
    buffer = bufnr,
    callback = function()
      M.schedule(bufnr)
    end,
  })
  vim.api.nvim_create_autocmd({ 'InsertEnter', 'BufLeave' }, {
    group = group,
    buffer = bufnr,
    callback = function()
      stop_timer()
      M.clear(bufnr)
    end,
  })
  vim.api.nvim_create_autocmd({ 'BufWipeout', 'BufUnload' }, {
    group = group,
    buffer = bufnr,
    callback = function()
      M.detach(bufnr)
    end,
  })
  if bufnr == vim.api.nvim_get_current_buf() then
    M.schedule(bufnr)
  end
end

function M.detach(bufnr)
  attached[bufnr] = nil
  cache.clear(bufnr)
  pcall(vim.api.nvim_del_augroup_by_name, 'gitinspector_blame_' .. bufnr)
  M.clear(bufnr)
end

--- Redraws after the blame changed without an edit (commit, checkout…).
function M.refresh()
  cache.clear()
  M.clear_all()
  local buf = vim.api.nvim_get_current_buf()
  if attached[buf] then
    M.schedule(buf)
  end
end

function M.toggle(on)
  if on == nil then
    on = not M.enabled
  end
  M.enabled = on
  if on then
    M.schedule(vim.api.nvim_get_current_buf())
  else
    stop_timer()
    M.clear_all()
  end
  return M.enabled
end

return M
