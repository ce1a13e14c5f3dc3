-- Author colours: one palette (`highlights.author_colors`) and one rule for every view. An
-- author's colour is the palette entry of their rank, 0 being the author of most lines: in
-- the blame window the commit's `authorRank` in the file (docs/protocol.md), in the authors
-- tables the row's index in the result's authors list (sorted by lines, most first). A
-- file's main authors therefore never share a colour.
local config = require('gitinspector.config')

local M = {}

--- Lines that are not committed (authorRank null): no author, a neutral colour.
M.NOT_COMMITTED = 'GitInspectorNotCommitted'

--- The highlight group of palette entry `i` (1-based).
local function group_name(i)
  return 'GitInspectorAuthor' .. i
end

local function palette()
  return config.options.highlights.author_colors or {}
end

--- Defines the groups (setup, ColorScheme): GitInspectorAuthor1..N, one per palette entry,
--- and the neutral one. `default`, so a colour scheme or the user can set them.
function M.define()
  local colors = palette()
  for i, color in ipairs(colors) do
    vim.api.nvim_set_hl(0, group_name(i), { fg = color, default = true })
  end
  if #colors == 0 then
    vim.api.nvim_set_hl(0, group_name(1), { link = 'Identifier', default = true })
  end
  vim.api.nvim_set_hl(0, M.NOT_COMMITTED, { link = 'Comment', default = true })
end

--- The highlight group of the author of rank `rank` (0-based; nil or vim.NIL: not committed).
function M.group(rank)
  if type(rank) ~= 'number' or rank < 0 then
    return M.NOT_COMMITTED
  end
  local n = #palette()
  if n == 0 then
    return group_name(1)
  end
  return group_name(math.floor(rank) % n + 1)
end

return M
