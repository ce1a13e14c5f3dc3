-- Code lenses, drawn by the plugin as lines of their own above the code (virtual lines), as
-- other editors show them: Neovim's own lens display puts them at the end of the line, where
-- they would run into the current-line blame. The daemon's `textDocument/codeLens` answer is
-- also stored with vim.lsp.codelens.save(), so vim.lsp.codelens.get() and .run() work; the
-- client hides codeLensProvider from Neovim (client.lua) so that nothing else draws them.
local client = require('gitinspector.client')
local config = require('gitinspector.config')

local M = {}

M.ns = vim.api.nvim_create_namespace('gitinspector_lens')

---@type table<integer, {seq: integer, lenses: table[]}>
local state = {}
--- Buffers with a lens above their first line.
local top = {}
local seq = 0

--- Called with the buffer after its lenses are drawn (the blame window mirrors their rows).
M.on_draw = {}

--- The 0-based lines that have a lens row above them now (extmarks follow edits).
function M.rows(bufnr)
  local rows = {}
  if not vim.api.nvim_buf_is_valid(bufnr) then
    return rows
  end
  for _, m in ipairs(vim.api.nvim_buf_get_extmarks(bufnr, M.ns, 0, -1, {})) do
    rows[#rows + 1] = m[2]
  end
  return rows
end

--- The lenses last drawn in a buffer.
function M.get(bufnr)
  local s = state[bufnr or vim.api.nvim_get_current_buf()]
  return s and s.lenses or {}
end

function M.clear(bufnr)
  top[bufnr] = nil
  if vim.api.nvim_buf_is_valid(bufnr) then
    vim.api.nvim_buf_clear_namespace(bufnr, M.ns, 0, -1)
  end
  state[bufnr] = nil
end

--- Shows the virtual line above line 1 in window `win` when it is at the top: Neovim shows
--- lines above line 1 only as "filler" rows (topfill), which opening a buffer, switching to it
--- or scrolling back up do not restore by themselves.
function M.show_top(win)
  if not vim.api.nvim_win_is_valid(win) or not top[vim.api.nvim_win_get_buf(win)] then
    return
  end
  vim.api.nvim_win_call(win, function()
    local view = vim.fn.winsaveview()
    if view.topline == 1 and (view.topfill or 0) == 0 then
      vim.fn.winrestview({ topfill = 1 })
    end
  end)
end

local function show_top_all(bufnr)
  for _, win in ipairs(vim.fn.win_findbuf(bufnr)) do
    M.show_top(win)
  end
end

--- Autocommands that keep the file lens visible at the top (init.lua's setup).
function M.setup_autocmds(group)
  vim.api.nvim_create_autocmd('BufWinEnter', {
    group = group,
    callback = function(ev)
      if top[ev.buf] then
        local win = vim.api.nvim_get_current_win()
        vim.schedule(function()
          M.show_top(win)
        end)
      end
    end,
  })
  -- Scrolling up to the top (from further down) shows the lens again; a scroll at the top
  -- (CTRL-E hiding it) is left alone.
  vim.api.nvim_create_autocmd('WinScrolled', {
    group = group,
    callback = function()
      for id in pairs(vim.v.event or {}) do
        local win = tonumber(id)
        if win and vim.api.nvim_win_is_valid(win) then
          local previous = vim.w[win].gitinspector_topline
          local now = vim.fn.line('w0', win)
          vim.w[win].gitinspector_topline = now
          if previous and previous > 1 and now == 1 then
            M.show_top(win)
          end
        end
      end
    end,
  })
end

--- Draws `lenses` (a textDocument/codeLens answer) above their lines, each indented as its
--- line; several on one line are joined with " | ".
function M.draw(bufnr, lenses)
  if not vim.api.nvim_buf_is_valid(bufnr) then
    return
  end
  vim.api.nvim_buf_clear_namespace(bufnr, M.ns, 0, -1)
  local by_line = {}
  for _, lens in ipairs(lenses) do
    local line = lens.range and lens.range.start and lens.range.start.line
    if type(line) == 'number' and lens.command and lens.command.title then
      by_line[line] = by_line[line] or {}
      table.insert(by_line[line], lens)
    end
  end
  local count = vim.api.nvim_buf_line_count(bufnr)
  top[bufnr] = nil
  for line, items in pairs(by_line) do
    if line < count then
      table.sort(items, function(a, b)
        return (a.range.start.character or 0) < (b.range.start.character or 0)
      end)
      local titles = {}
      for _, lens in ipairs(items) do
        titles[#titles + 1] = (lens.command.title:gsub('%s+', ' '))
      end
      local text = vim.api.nvim_buf_get_lines(bufnr, line, line + 1, false)[1] or ''
      local indent = text:match('^%s*')
      local width = vim.fn.strdisplaywidth(indent)
      vim.api.nvim_buf_set_extmark(bufnr, M.ns, line, 0, {
        virt_lines = {
          { { string.rep(' ', width), '' }, { table.concat(titles, ' | '), 'LspCodeLens' } },
        },
        virt_lines_above = true,
        right_gravity = false,
      })
      if line == 0 then
        top[bufnr] = true
      end
    end
  end
  show_top_all(bufnr)
  for _, fn in ipairs(M.on_draw) do
    pcall(fn, bufnr)
  end
end

--- Asks the buffer's daemon for its lenses and draws them.
function M.refresh(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if config.options.code_lens.enabled == false or not vim.api.nvim_buf_is_valid(bufnr) then
    return
  end
  local c = client.get(bufnr)
  if not c then
    return
  end
  seq = seq + 1
  local mine = seq
  state[bufnr] = state[bufnr] or { lenses = {} }
  state[bufnr].seq = mine
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  local params = { textDocument = { uri = client.uri(bufnr) } }
  client.request(bufnr, 'textDocument/codeLens', params, function(err, result)
    local s = state[bufnr]
    if err or not s or s.seq ~= mine or not vim.api.nvim_buf_is_valid(bufnr) then
      return
    end
    if vim.api.nvim_buf_get_changedtick(bufnr) ~= tick then
      -- Changed meanwhile: ask again. Not only an edit: a buffer opened with :edit is attached
      -- while it loads, and its changedtick moves on after that with no TextChanged to follow.
      M.schedule(bufnr, 50)
      return
    end
    local lenses = type(result) == 'table' and result or {}
    s.lenses = lenses
    -- vim.lsp.codelens.get() / run() find them (run executes gitinspector.fileAuthors).
    if vim.lsp.codelens and vim.lsp.codelens.save then
      pcall(vim.lsp.codelens.save, lenses, bufnr, c.id)
    end
    M.draw(bufnr, lenses)
  end)
end

--- Runs the lens of the cursor line, or of the block the cursor is in (the nearest lens at or
--- above it).
function M.run()
  local bufnr = vim.api.nvim_get_current_buf()
  local line = vim.api.nvim_win_get_cursor(0)[1] - 1
  local best
  for _, lens in ipairs(M.get(bufnr)) do
    local l = lens.range.start.line
    if lens.command and l <= line and (not best or l > best.range.start.line) then
      best = lens
    end
  end
  if not best then
    require('gitinspector.util').notify('no lens at or above this line')
    return
  end
  require('gitinspector.views.authors').run_lens(best.command, { bufnr = bufnr })
end

--- Debounced refresh after edits: the daemon follows unsaved text.
local timers = {}
function M.schedule(bufnr, delay)
  local t = timers[bufnr]
  if not t then
    t = vim.uv.new_timer()
    timers[bufnr] = t
  end
  t:stop()
  t:start(
    delay or 500,
    0,
    vim.schedule_wrap(function()
      M.refresh(bufnr)
    end)
  )
end

function M.detach(bufnr)
  local t = timers[bufnr]
  if t then
    t:stop()
    t:close()
    timers[bufnr] = nil
  end
  M.clear(bufnr)
end

return M
