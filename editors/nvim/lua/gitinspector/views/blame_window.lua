-- `:GitInspector blame`: a scroll-bound side window with the author and date of each line,
-- each author in the colour of their rank in the file (colors.lua).
local cache = require('gitinspector.cache')
local colors = require('gitinspector.colors')
local config = require('gitinspector.config')
local util = require('gitinspector.util')

local M = {}

M.ns = vim.api.nvim_create_namespace('gitinspector_blame_window')
--- source buffer -> {buf, win}
local open = {}

--- Lines and highlights of the side window for a blame entry.
function M.render(entry)
  local o = config.options
  local per_line = cache.lines(entry)
  local user = entry.data.currentUser
  local authors = {}
  local width = 0
  for i, c in pairs(per_line) do
    authors[i] = util.author(c, user, o.you)
    width = math.max(width, util.width(authors[i]))
  end
  width = math.min(width, 24)
  local lines, hls = {}, {}
  local count = entry.data.lineCount or #per_line
  for i = 1, count do
    local c = per_line[i]
    if not c then
      lines[i] = ''
    else
      local date = c.sha == util.NOT_COMMITTED and '' or os.date('%Y-%m-%d', c.authorTime)
      local name = util.pad(authors[i], width)
      lines[i] = name .. ' ' .. date
      hls[#hls + 1] = { i - 1, 0, #name, colors.group(c.authorRank) }
      hls[#hls + 1] = { i - 1, #name + 1, #lines[i], o.highlights.window_date }
    end
  end
  return lines, hls
end

local function fill(state, entry)
  local lines, hls = M.render(entry)
  util.set_lines(state.buf, lines)
  vim.api.nvim_buf_clear_namespace(state.buf, M.ns, 0, -1)
  for _, h in ipairs(hls) do
    vim.api.nvim_buf_set_extmark(state.buf, M.ns, h[1], h[2], {
      end_col = h[3],
      hl_group = h[4],
    })
  end
  local width = 0
  for _, l in ipairs(lines) do
    width = math.max(width, util.width(l))
  end
  if vim.api.nvim_win_is_valid(state.win) then
    vim.api.nvim_win_set_width(state.win, math.max(10, width + 1))
  end
end

function M.close(src)
  local state = open[src]
  open[src] = nil
  if state and vim.api.nvim_win_is_valid(state.win) then
    vim.api.nvim_win_close(state.win, true)
  end
  if state and state.src_win and vim.api.nvim_win_is_valid(state.src_win) then
    vim.wo[state.src_win].scrollbind = false
    vim.wo[state.src_win].cursorbind = false
  end
end

--- The window state for a source buffer (tests, statusline).
function M.get(src)
  return open[src or vim.api.nvim_get_current_buf()]
end

--- Opens (or closes, when open) the blame window of the current buffer.
function M.toggle()
  local src = vim.api.nvim_get_current_buf()
  if open[src] and vim.api.nvim_win_is_valid(open[src].win) then
    M.close(src)
    return
  end
  M.open(src)
end

function M.open(src)
  src = src or vim.api.nvim_get_current_buf()
  local src_win = vim.api.nvim_get_current_win()
  cache.get(src, function(entry, err)
    if not entry then
      util.notify('no blame: ' .. (err and err.message or 'unknown error'), vim.log.levels.WARN)
      return
    end
    if not vim.api.nvim_win_is_valid(src_win) then
      return
    end
    vim.api.nvim_set_current_win(src_win)
    local buf = vim.api.nvim_create_buf(false, true)
    vim.bo[buf].bufhidden = 'wipe'
    vim.bo[buf].filetype = 'gitinspector-blame'
    vim.cmd('leftabove vsplit')
    local win = vim.api.nvim_get_current_win()
    vim.api.nvim_win_set_buf(win, buf)
    for opt, val in pairs({
      number = false,
      relativenumber = false,
      signcolumn = 'no',
      foldcolumn = '0',
      wrap = false,
      list = false,
      spell = false,
      winfixwidth = true,
      cursorline = vim.wo[src_win].cursorline,
    }) do
      vim.wo[win][opt] = val
    end
    local state = { buf = buf, win = win, src_win = src_win }
    open[src] = state
    fill(state, entry)
    -- Align the top lines, then bind scrolling and cursor in both windows.
    local view = vim.api.nvim_win_call(src_win, vim.fn.winsaveview)
    vim.api.nvim_win_call(win, function()
      vim.fn.winrestview({ topline = view.topline, lnum = view.lnum, col = 0 })
    end)
    for _, w in ipairs({ win, src_win }) do
      vim.wo[w].scrollbind = true
      vim.wo[w].cursorbind = true
    end
    vim.cmd('syncbind')
    vim.keymap.set('n', 'q', function()
      M.close(src)
    end, { buffer = buf, nowait = true, desc = 'Close the blame window' })
    local group = vim.api.nvim_create_augroup('gitinspector_blame_window_' .. src, { clear = true })
    vim.api.nvim_create_autocmd({ 'TextChanged', 'InsertLeave', 'BufWritePost' }, {
      group = group,
      buffer = src,
      callback = function()
        if not open[src] then
          return true
        end
        cache.get(src, function(e)
          if e and open[src] and vim.api.nvim_buf_is_valid(open[src].buf) then
            fill(open[src], e)
          end
        end)
      end,
    })
    vim.api.nvim_create_autocmd('WinClosed', {
      group = group,
      pattern = tostring(win),
      callback = function()
        M.close(src)
        pcall(vim.api.nvim_del_augroup_by_id, group)
      end,
    })
    vim.api.nvim_set_current_win(src_win)
  end)
end

return M
