-- Author colours and the age heatmap.
--
-- Author colours: the palette of the engine's reports (python/gigui/report/model.py:
-- PALETTE_LIGHT, PALETTE_DARK, OTHER_LIGHT, OTHER_DARK; tests/fixtures/vectors/palette.json
-- holds the same, and the tests compare this file with it), the light list for
-- 'background' light, the dark one for dark. An author's colour is the palette entry of their
-- rank, 0 being the author of most lines: in the blame window the commit's `authorRank` in the
-- file (docs/protocol.md), in the authors tables the row's index in the result's authors list
-- (sorted by lines, most first). A file's main authors therefore never share a colour;
-- authors ranked past the palette share the "other" colour. They colour text (foreground).
--
-- The age heatmap colours a background, and only the dates of the blame window: from cold
-- (the oldest commit shown) to warm (the newest), so it never reads as an author's colour.
local M = {}

M.PALETTE = {
  light = {
    '#4e79a7',
    '#f28e2b',
    '#59a14f',
    '#e15759',
    '#b07aa1',
    '#76b7b2',
    '#edc948',
    '#9c755f',
    '#ff9da7',
    '#5d1b7e',
    '#bd28bd',
    '#2828bd',
  },
  dark = {
    '#6b9bd1',
    '#ffa54f',
    '#7cc46f',
    '#ff7b7d',
    '#cf9ac2',
    '#93d4cf',
    '#ffe066',
    '#c19a82',
    '#ffb8c0',
    '#9f35d4',
    '#e274e2',
    '#7474e2',
  },
}
M.OTHER = { light = '#bab0ac', dark = '#8a8280' }

--- Lines that are not committed (authorRank null): no author, a neutral colour.
M.NOT_COMMITTED = 'GitInspectorNotCommitted'
--- Authors ranked past the palette.
M.OTHER_GROUP = 'GitInspectorAuthorOther'
--- Levels of the age heatmap: GitInspectorAge0 (oldest) … GitInspectorAge<AGE_LEVELS-1>.
M.AGE_LEVELS = 8

--- 'light' or 'dark', as 'background' is now.
function M.theme()
  return vim.o.background == 'light' and 'light' or 'dark'
end

--- The palette of the current background.
function M.palette()
  return M.PALETTE[M.theme()]
end

--- The highlight group of palette entry `i` (1-based).
local function group_name(i)
  return 'GitInspectorAuthor' .. i
end

--- '#rrggbb' of hue h (degrees), saturation s and lightness l (0..1).
local function hsl(h, s, l)
  local c = (1 - math.abs(2 * l - 1)) * s
  local x = c * (1 - math.abs((h / 60) % 2 - 1))
  local m = l - c / 2
  local r, g, b
  if h < 60 then
    r, g, b = c, x, 0
  elseif h < 120 then
    r, g, b = x, c, 0
  elseif h < 180 then
    r, g, b = 0, c, x
  elseif h < 240 then
    r, g, b = 0, x, c
  elseif h < 300 then
    r, g, b = x, 0, c
  else
    r, g, b = c, 0, x
  end
  local function byte(v)
    return math.floor((v + m) * 255 + 0.5)
  end
  return string.format('#%02x%02x%02x', byte(r), byte(g), byte(b))
end

--- The background of age level `level` (0 oldest … AGE_LEVELS-1 newest): hue 220 (blue) to
--- 20 (orange), pale on light backgrounds, dim on dark ones.
function M.age_color(level, theme)
  local t = level / (M.AGE_LEVELS - 1)
  local hue = 220 - 200 * t
  if (theme or M.theme()) == 'light' then
    return hsl(hue, 0.75, 0.88)
  end
  return hsl(hue, 0.45, 0.24)
end

--- The xterm 256-colour index nearest to '#rrggbb', for terminals without 'termguicolors'.
function M.cterm(hex)
  local r, g, b =
    tonumber(hex:sub(2, 3), 16), tonumber(hex:sub(4, 5), 16), tonumber(hex:sub(6, 7), 16)
  local levels = { 0, 95, 135, 175, 215, 255 }
  local function nearest(v)
    local best, index = math.huge, 0
    for i, l in ipairs(levels) do
      if math.abs(v - l) < best then
        best, index = math.abs(v - l), i - 1
      end
    end
    return index
  end
  local function dist(x, y, z)
    return (x - r) ^ 2 + (y - g) ^ 2 + (z - b) ^ 2
  end
  local ri, gi, bi = nearest(r), nearest(g), nearest(b)
  local cube = 16 + 36 * ri + 6 * gi + bi
  local cube_dist = dist(levels[ri + 1], levels[gi + 1], levels[bi + 1])
  local gray = math.max(0, math.min(23, math.floor(((r + g + b) / 3 - 8) / 10 + 0.5)))
  local v = 8 + 10 * gray
  if dist(v, v, v) < cube_dist then
    return 232 + gray
  end
  return cube
end

--- What define() set last, per group: a group that still has it is ours to change.
local ours = {}

--- Sets a group unless someone else (the user, a colour scheme) has defined it.
local function set(name, spec)
  local now = vim.api.nvim_get_hl(0, { name = name, link = false })
  if next(now) == nil or vim.deep_equal(now, ours[name]) then
    vim.api.nvim_set_hl(0, name, spec)
    ours[name] = vim.api.nvim_get_hl(0, { name = name, link = false })
  end
end

--- The age levels in terminals without 'termguicolors': the nearest of 256 colours would
--- lose the hue, so they are picked, blue to orange as the GUI colours go.
M.AGE_CTERM = {
  light = { 153, 152, 158, 194, 230, 223, 217, 216 },
  dark = { 17, 24, 23, 22, 58, 94, 130, 88 },
}

--- Defines the groups (setup, ColorScheme, 'background' changes): GitInspectorAuthor1..12,
--- GitInspectorAuthorOther, GitInspectorAge0..7 and GitInspectorNotCommitted. They follow
--- 'background'; a group the user or a colour scheme defined is left as it is.
function M.define()
  local theme = M.theme()
  for i, color in ipairs(M.PALETTE[theme]) do
    set(group_name(i), { fg = color, ctermfg = M.cterm(color) })
  end
  set(M.OTHER_GROUP, { fg = M.OTHER[theme], ctermfg = M.cterm(M.OTHER[theme]) })
  for level = 0, M.AGE_LEVELS - 1 do
    local color = M.age_color(level, theme)
    set('GitInspectorAge' .. level, { bg = color, ctermbg = M.AGE_CTERM[theme][level + 1] })
  end
  vim.api.nvim_set_hl(0, M.NOT_COMMITTED, { link = 'Comment', default = true })
end

--- The highlight group of the author of rank `rank` (0-based; nil or vim.NIL: not committed).
function M.group(rank)
  if type(rank) ~= 'number' or rank < 0 then
    return M.NOT_COMMITTED
  end
  rank = math.floor(rank)
  if rank >= #M.palette() then
    return M.OTHER_GROUP
  end
  return group_name(rank + 1)
end

--- The heatmap group of a time between `oldest` and `newest` (seconds); nil time (not
--- committed) is the newest.
function M.age_group(time, oldest, newest)
  local t = 1
  if type(time) == 'number' and oldest and newest and newest > oldest then
    t = (time - oldest) / (newest - oldest)
  end
  local level = math.floor(t * (M.AGE_LEVELS - 1) + 0.5)
  return 'GitInspectorAge' .. math.max(0, math.min(M.AGE_LEVELS - 1, level))
end

return M
