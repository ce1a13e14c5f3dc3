-- Options of gitinspector.nvim and how they reach the daemon.
local M = {}

---@class gitinspector.Config
M.defaults = {
  -- Path of the daemon. nil: `gitinspector-lsp` on PATH, else the repository-relative
  -- `target/release/gitinspector-lsp` of the checkout this plugin lives in.
  binary = nil,
  -- Extra arguments after the binary (the daemon serves LSP on stdio without any).
  args = {},
  -- Text of the current-line blame; fields ${author} ${email} ${date} ${summary} ${sha}.
  blame_template = '${author}, ${date} • ${summary}',
  -- "relative" (3 days ago), "absolute" (2024-05-01 13:45) or a strftime pattern.
  date_format = 'relative',
  -- Current-line blame: shown at start, and after how many milliseconds without moving.
  current_line_blame = true,
  delay = 300,
  -- Author shown for your own commits (email equal to the repository's user.email).
  you = 'You',
  highlights = {
    current_line = 'GitInspectorCurrentLineBlame', -- default: links to Comment
    window_date = 'GitInspectorBlameDate', -- default: links to Comment
    float_border = 'FloatBorder',
    float_title = 'Title',
    -- Foreground colours of the per-author highlights of the blame window.
    author_colors = {
      '#e06c75',
      '#98c379',
      '#e5c07b',
      '#61afef',
      '#c678dd',
      '#56b6c2',
      '#d19a66',
      '#be5046',
      '#7ec699',
      '#f08d49',
    },
  },
  -- Which code lenses the daemon sends: the file lens at the top, a lens per block.
  code_lens = { enabled = true, file = true, blocks = true },
  -- Buffer-local key maps, off by default. `true` uses the defaults below; a table maps
  -- action -> lhs (false to skip one).
  keymaps = false,
  default_keymaps = {
    commit = '<leader>gc',
    blame = '<leader>gb',
    authors = '<leader>ga',
    toggle = '<leader>gt',
  },
  -- Analysis settings of the engine (see the project README), for analyze/authors.
  analysis = {},
  cache_budget_mb = 256,
  -- Where `:GitInspector report` writes without an argument (nil: stdpath('cache')).
  report_dir = nil,
  -- Timeout (ms) of synchronous requests (health check).
  timeout = 10000,
}

---@type gitinspector.Config
M.options = vim.deepcopy(M.defaults)

function M.set(opts)
  opts = vim.deepcopy(opts or {})
  -- `code_lens = false` / `keymaps = true` shorthands.
  if type(opts.code_lens) == 'boolean' then
    opts.code_lens = { enabled = opts.code_lens }
  end
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

--- initializationOptions / didChangeConfiguration settings (keys of docs/protocol.md).
function M.init_options()
  local o = M.options
  local lens = o.code_lens or {}
  local enabled = lens.enabled ~= false
  local analysis = o.analysis
  if analysis == nil or vim.tbl_isempty(analysis) then
    analysis = vim.empty_dict()
  end
  return {
    dateFormat = o.date_format,
    blameTemplate = o.blame_template,
    codeLens = { file = enabled and lens.file ~= false, blocks = enabled and lens.blocks ~= false },
    inlayHints = { enabled = false },
    analysis = analysis,
    cacheBudgetMb = o.cache_budget_mb,
  }
end

return M
