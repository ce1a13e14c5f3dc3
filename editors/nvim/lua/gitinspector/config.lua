-- Options of gitinspector.nvim and how they reach the daemon.
local M = {}

--- Defaults of the plugin's own options. The daemon's settings (`date_format`,
--- `blame_template`, `code_lens.file`/`blocks`/`min_block_lines`, `analysis`, `cache_budget_mb`,
--- `ignore_revs_file`) have none
--- here: their defaults are the daemon's (docs/protocol.md), only what the user gives is
--- sent, and where the plugin formats a text itself (the current-line blame, dates) an
--- option not given takes the default the daemon announced (M.daemon_setting).
---@class gitinspector.Config
M.defaults = {
  -- Path of the daemon. nil: `gitinspector-lsp` on PATH, else the repository-relative
  -- `target/release/gitinspector-lsp` of the checkout this plugin lives in.
  binary = nil,
  -- Extra arguments after the binary (the daemon serves LSP on stdio without any).
  args = {},
  -- Current-line blame: shown at start, and after how many milliseconds without moving.
  current_line_blame = true,
  delay = 300,
  -- Shown instead of your name on your own commits (email equal to the repository's
  -- user.email), e.g. 'You'; false: your name, as the lenses and VS Code show it.
  you = false,
  highlights = {
    current_line = 'GitInspectorCurrentLineBlame', -- default: links to Comment
    window_date = 'GitInspectorBlameDate', -- default: links to Comment
    float_title = 'Title',
  },
  -- Age colours (a background from cold, the oldest commit of the file, to warm, the newest)
  -- on the dates of the blame window; author colours are the text of the names.
  heatmap = true,
  -- Whether lenses are drawn at all (`file`, `blocks` and `min_block_lines`, the daemon's,
  -- pick which).
  code_lens = { enabled = true },
  -- Buffer-local key maps, off by default. `true` uses the defaults below; a table maps
  -- action -> lhs (false to skip one).
  keymaps = false,
  default_keymaps = {
    commit = '<leader>gc',
    blame = '<leader>gb',
    blame_prior = '<leader>gp',
    line_history = '<leader>gl',
    file_history = '<leader>gh',
    authors = '<leader>ga',
    toggle = '<leader>gt',
  },
  -- Where `:GitInspector report` writes without a path (nil: stdpath('cache')/gitinspector).
  report_dir = nil,
  -- Timeout (ms) of synchronous requests (health check).
  timeout = 10000,
}

---@type gitinspector.Config
M.options = vim.deepcopy(M.defaults)
--- The options as given to setup(), without defaults: what init_options() sends.
M.given = {}

function M.set(opts)
  opts = vim.deepcopy(opts or {})
  -- The `code_lens = false` shorthand.
  if type(opts.code_lens) == 'boolean' then
    opts.code_lens = { enabled = opts.code_lens }
  end
  M.given = opts
  M.options = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts)
  return M.options
end

--- Root of the checkout that holds this plugin (editors/nvim/lua/gitinspector/config.lua).
function M.checkout_root()
  local source = debug.getinfo(1, 'S').source:gsub('^@', '')
  local file = vim.fs.normalize(vim.fn.fnamemodify(source, ':p'))
  -- config.lua -> gitinspector -> lua -> nvim -> editors -> checkout
  return vim.fn.fnamemodify(file, ':h:h:h:h:h')
end

--- The daemon binary: option, PATH, then the checkout's target/release build.
---@return string|nil path, string how
function M.binary()
  local opt = M.options.binary
  if opt and opt ~= '' then
    local expanded = vim.fn.expand(opt)
    if vim.fn.executable(expanded) == 1 then
      return vim.fn.exepath(expanded) ~= '' and vim.fn.exepath(expanded) or expanded, 'option'
    end
    return nil, 'option binary=' .. opt .. ' is not executable'
  end
  if vim.fn.executable('gitinspector-lsp') == 1 then
    return vim.fn.exepath('gitinspector-lsp'), 'PATH'
  end
  local built = M.checkout_root() .. '/target/release/gitinspector-lsp'
  if vim.fn.executable(built) == 1 then
    return built, 'checkout'
  end
  return nil, 'gitinspector-lsp is neither on PATH nor at ' .. built
end

--- A table that encodes as a JSON object, also when empty.
local function object(t)
  return next(t) == nil and vim.empty_dict() or t
end

--- initializationOptions / didChangeConfiguration settings (keys of docs/protocol.md):
--- only the daemon's settings the user gave; the daemon's defaults stand for the rest.
function M.init_options()
  local given = M.given
  local settings = {
    dateFormat = given.date_format,
    blameTemplate = given.blame_template,
    cacheBudgetMb = given.cache_budget_mb,
    ignoreRevsFile = given.ignore_revs_file,
  }
  if given.analysis ~= nil then
    settings.analysis = object(given.analysis)
  end
  local lens = given.code_lens
  if lens ~= nil then
    if lens.enabled == false then
      -- Lenses off: the daemon need not make any.
      settings.codeLens = { file = false, blocks = false }
    elseif lens.file ~= nil or lens.blocks ~= nil or lens.min_block_lines ~= nil then
      settings.codeLens =
        { file = lens.file, blocks = lens.blocks, minBlockLines = lens.min_block_lines }
    end
  end
  return object(settings)
end

--- The value of a daemon setting (a docs/protocol.md key; a dot nests: 'codeLens.file') as
--- the daemon applies it: the user's (the option given to setup), else the default the
--- daemon announced in its initialize result (`defaults`, see client.defaults()), else nil.
function M.daemon_setting(key, defaults)
  local function lookup(t, path)
    for part in path:gmatch('[^.]+') do
      if type(t) ~= 'table' then
        return nil
      end
      t = t[part]
    end
    if t == vim.NIL then
      return nil
    end
    return t
  end
  local value = lookup(M.init_options(), key)
  if value == nil then
    value = lookup(defaults, key)
  end
  return value
end

return M
