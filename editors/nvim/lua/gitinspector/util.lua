-- Small shared helpers: dates, the blame template, floats. Dates and blame texts are the
-- daemon's (tests/fixtures/vectors/format.json holds what both must produce).
local M = {}

M.NOT_COMMITTED = string.rep('0', 40)

--- "3 days ago", "just now", "in the future" (the daemon's wording).
function M.relative_date(t, now)
  local seconds = (now or os.time()) - t
  if seconds < 0 then
    return 'in the future'
  end
  local units = {
    { 365 * 86400, 'year' },
    { 30 * 86400, 'month' },
    { 7 * 86400, 'week' },
    { 86400, 'day' },
    { 3600, 'hour' },
    { 60, 'minute' },
  }
  for _, u in ipairs(units) do
    local n = math.floor(seconds / u[1])
    if n >= 1 then
      return string.format('%d %s%s ago', n, u[2], n == 1 and '' or 's')
    end
  end
  return 'just now'
end

--- A date as a `dateFormat` value says: "relative", "absolute" or a strftime pattern. An
--- option not given has no value here: callers pass the daemon's announced default
--- (config.daemon_setting); nil (none announced either) gives ''. `now` (seconds) defaults
--- to the current time.
function M.date(t, format, now)
  if not t or format == nil then
    return ''
  end
  if format == 'relative' then
    return M.relative_date(t, now)
  elseif format == 'absolute' then
    return os.date('%Y-%m-%d %H:%M', t)
  end
  return os.date(format, t)
end

--- Is this commit the current user's? (email equal to currentUser.email)
local function is_you(commit, current_user)
  if not commit or commit.sha == M.NOT_COMMITTED then
    return false
  end
  if commit.isCurrentUser then
    return true
  end
  local email = type(current_user) == 'table' and current_user.email or nil
  return type(email) == 'string'
    and type(commit.email) == 'string'
    and email:lower() == commit.email:lower()
end

--- The author name to show: `you` (the option, when set) for the current user's commits.
function M.author(commit, current_user, you)
  if not commit then
    return ''
  end
  if commit.sha == M.NOT_COMMITTED then
    return 'Not Committed Yet'
  end
  if you and is_you(commit, current_user) then
    return you
  end
  return commit.author or ''
end

--- Fills ${author} ${email} ${date} ${summary} ${sha} of `template`; unknown fields stay as
--- they are. opts: {you, date_format, now}.
function M.blame_text(template, commit, current_user, opts)
  if commit.sha == M.NOT_COMMITTED then
    return 'Not Committed Yet'
  end
  local fields = {
    author = M.author(commit, current_user, opts.you),
    email = commit.email or '',
    date = M.date(commit.authorTime, opts.date_format, opts.now),
    summary = commit.summary or '',
    sha = (commit.sha or ''):sub(1, 8),
  }
  return (template:gsub('%${(%w+)}', function(key)
    return fields[key]
  end))
end

function M.notify(msg, level)
  vim.notify('[gitinspector] ' .. msg, level or vim.log.levels.INFO)
end

--- Display width of a string.
function M.width(s)
  return vim.fn.strdisplaywidth(s)
end

--- Pads (or cuts) to a display width; right-aligns when `right`.
function M.pad(s, width, right)
  s = tostring(s or '')
  local w = M.width(s)
  if w > width then
    s = vim.fn.strcharpart(s, 0, width - 1) .. '…'
    w = M.width(s)
  end
  local fill = string.rep(' ', width - w)
  return right and (fill .. s) or (s .. fill)
end

--- A new window takes the options of the one it was opened from: one opened from the blame
--- window must not be scroll- or cursor-bound to it.
function M.unbind(win)
  vim.wo[win].scrollbind = false
  vim.wo[win].cursorbind = false
end

--- The window config of a float over `lines` (nvim_open_win): its size fits the lines, up to
--- the screen (or opts.max_width / opts.max_height); centred on the editor, or, with
--- opts.at_cursor, just below the cursor (above it when there is more room there).
function M.float_config(lines, opts)
  opts = opts or {}
  local width = 10
  for _, l in ipairs(lines) do
    width = math.max(width, M.width(l))
  end
  width = math.min(width + 1, math.max(20, vim.o.columns - 4), opts.max_width or math.huge)
  -- The editor's text rows: without the command line, the tabline and the borders.
  local rows = vim.o.lines - vim.o.cmdheight - (vim.o.showtabline == 2 and 1 or 0)
  local height = math.max(1, math.min(#lines, rows - 4, opts.max_height or math.huge))
  local cfg = { width = width, height = height }
  if opts.at_cursor then
    local pos = vim.fn.screenpos(0, vim.fn.line('.'), vim.fn.col('.'))
    local row = pos.row > 0 and pos.row or vim.fn.winline()
    local below = rows - row - 2 -- rows below the cursor, less the borders
    local above = row - 3
    if height > below and above > below then
      cfg.anchor, cfg.row, cfg.height = 'SW', 0, math.max(1, math.min(height, above))
    else
      cfg.anchor, cfg.row, cfg.height = 'NW', 1, math.max(1, math.min(height, below))
    end
    cfg.relative, cfg.col = 'cursor', 0
  else
    cfg.relative = 'editor'
    cfg.row = math.max(0, math.floor((rows - height) / 2) - 1)
    cfg.col = math.max(0, math.floor((vim.o.columns - width) / 2))
  end
  return cfg
end

--- Resizes (and re-places) a float of M.open_float to fit `lines`.
function M.fit_float(win, lines, opts)
  if not vim.api.nvim_win_is_valid(win) then
    return
  end
  local cfg = vim.api.nvim_win_get_config(win)
  local new = M.float_config(lines, opts)
  if cfg.relative ~= 'editor' then
    -- Placed once, at the cursor of the window it was opened from: keep the place.
    new.relative, new.row, new.col, new.anchor = nil, nil, nil, nil
  end
  vim.api.nvim_win_set_config(win, vim.tbl_extend('force', cfg, new))
end

--- A floating window over `lines`, sized to fit them (see M.float_config; opts.at_cursor:
--- below the cursor, else centred); q / <Esc> close it. opts: {title, filetype, enter,
--- cursorline, at_cursor, max_width, max_height}. Returns buf, win.
function M.open_float(lines, opts)
  opts = opts or {}
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].bufhidden = 'wipe'
  if opts.filetype then
    vim.bo[buf].filetype = opts.filetype
  end
  local cfg = M.float_config(lines, opts)
  cfg.style = 'minimal'
  cfg.border = 'rounded'
  if opts.title then
    cfg.title = ' ' .. opts.title .. ' '
    cfg.title_pos = 'center'
  end
  local win = vim.api.nvim_open_win(buf, opts.enter ~= false, cfg)
  M.unbind(win)
  vim.wo[win].wrap = false
  vim.wo[win].cursorline = opts.cursorline or false
  for _, lhs in ipairs({ 'q', '<Esc>' }) do
    vim.keymap.set('n', lhs, function()
      if vim.api.nvim_win_is_valid(win) then
        vim.api.nvim_win_close(win, true)
      end
    end, { buffer = buf, nowait = true, desc = 'Close' })
  end
  return buf, win
end

--- The lines of a text the daemon sent (a file's content, a diff): "\n" or "\r\n" line
--- ends; a final line end makes no empty last line.
function M.text_lines(text)
  if type(text) ~= 'string' or text == '' then
    return {}
  end
  local lines = vim.split(text, '\r?\n')
  if lines[#lines] == '' then
    lines[#lines] = nil
  end
  return lines
end

--- The buffer named exactly `name`, or nil.
function M.buffer_named(name)
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_get_name(b) == name then
      return b
    end
  end
end

--- The scratch buffer named `name`: the one already so named, else a new one. Not a file,
--- no swap file; `bufhidden` says what becomes of it when no window shows it.
function M.scratch_buffer(name, bufhidden)
  local buf = M.buffer_named(name)
  if not buf then
    buf = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(buf, name)
  end
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = bufhidden
  vim.bo[buf].swapfile = false
  return buf
end

--- Replaces a float buffer's lines (it is kept non-modifiable).
function M.set_lines(buf, lines)
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
end

return M
