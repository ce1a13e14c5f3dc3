-- gitinspector.nvim: who wrote which code, from the gitinspector-lsp daemon.
local M = {}

local function define_highlights()
  vim.api.nvim_set_hl(0, 'GitInspectorCurrentLineBlame', { link = 'Comment', default = true })
  vim.api.nvim_set_hl(0, 'GitInspectorBlameDate', { link = 'Comment', default = true })
  vim.api.nvim_set_hl(0, 'GitInspectorBlameSha', { link = 'Comment', default = true })
  require('gitinspector.colors').define()
end

local function set_keymaps(bufnr)
  local config = require('gitinspector.config')
  local km = config.options.keymaps
  if not km then
    return
  end
  local maps = km == true and config.options.default_keymaps or km
  local actions = {
    commit = { 'GitInspector commit', 'gitinspector: commit of this line' },
    blame = { 'GitInspector blame', 'gitinspector: blame window' },
    blame_prior = { 'GitInspector blame_prior', 'gitinspector: blame before this commit' },
    line_history = { 'GitInspector line_history', 'gitinspector: commits of these lines' },
    file_history = { 'GitInspector file_history', 'gitinspector: commits of this file' },
    authors = { 'GitInspector authors', 'gitinspector: repository authors' },
    file_authors = { 'GitInspector authors file', 'gitinspector: file authors' },
    lens = { 'GitInspector lens', 'gitinspector: authors of this block' },
    toggle = { 'GitInspector toggle', 'gitinspector: current-line blame on/off' },
    analyze = { 'GitInspector analyze', 'gitinspector: analyze the workspace' },
  }
  for action, lhs in pairs(maps) do
    local a = actions[action]
    if a and lhs then
      vim.keymap.set('n', lhs, '<Cmd>' .. a[1] .. '<CR>', { buffer = bufnr, desc = a[2] })
      if action == 'line_history' then
        -- In Visual mode ':' puts the selection's range before the command.
        vim.keymap.set('x', lhs, ':' .. a[1] .. '<CR>', { buffer = bufnr, desc = a[2] })
      end
    end
  end
end

local function refresh_lenses(bufnr)
  require('gitinspector.lens').refresh(bufnr)
end

local function on_attach(_, bufnr)
  local config = require('gitinspector.config')
  local lens = require('gitinspector.lens')
  local group = vim.api.nvim_create_augroup('gitinspector_buf_' .. bufnr, { clear = true })
  if config.options.code_lens.enabled ~= false then
    refresh_lenses(bufnr)
    vim.api.nvim_create_autocmd('BufWritePost', {
      group = group,
      buffer = bufnr,
      callback = function()
        refresh_lenses(bufnr)
      end,
    })
    -- The daemon follows unsaved edits: the lenses too, once typing pauses.
    vim.api.nvim_create_autocmd({ 'TextChanged', 'InsertLeave' }, {
      group = group,
      buffer = bufnr,
      callback = function()
        lens.schedule(bufnr)
      end,
    })
    vim.api.nvim_create_autocmd({ 'BufUnload', 'BufWipeout' }, {
      group = group,
      buffer = bufnr,
      callback = function()
        lens.detach(bufnr)
      end,
    })
  end
  require('gitinspector.blame').attach(bufnr)
  set_keymaps(bufnr)
end

--- Progress of long requests (analyze) as an echo; the LspProgress event is standard.
local function show_progress(ev)
  local client = vim.lsp.get_client_by_id(ev.data.client_id)
  if not client or client.name ~= require('gitinspector.client').name then
    return
  end
  local value = (ev.data.params or {}).value or {}
  local text = value.title or ''
  if value.message then
    text = text .. ': ' .. value.message
  end
  if value.percentage then
    text = string.format('%s (%d%%)', text, value.percentage)
  end
  if value.kind == 'end' then
    text = (value.title or 'done') .. (value.message and (': ' .. value.message) or ' done')
  end
  vim.api.nvim_echo({ { '[gitinspector] ' .. text } }, false, {})
end

--- setup({binary, blame_template, date_format, delay, highlights, code_lens, keymaps, …})
function M.setup(opts)
  local config = require('gitinspector.config')
  local client = require('gitinspector.client')
  local blame = require('gitinspector.blame')
  config.set(opts)
  define_highlights()
  blame.enabled = config.options.current_line_blame ~= false
  client.on_attach_hooks = { on_attach }
  client.on_refresh_hooks = {
    function(client_id, method)
      if method == 'workspace/inlayHint/refresh' then
        return -- inlay hints are off; the codeLens refresh that comes with it does the work
      end
      blame.refresh()
      require('gitinspector.views.blame_window').refresh()
      for _, buf in ipairs(client.buffers(client_id)) do
        refresh_lenses(buf)
      end
    end,
  }
  require('gitinspector.commands').create()
  -- Running a lens (vim.lsp.codelens.run) opens the authors float of its file or block.
  vim.lsp.commands['gitinspector.fileAuthors'] = function(command, ctx)
    require('gitinspector.views.authors').run_lens(command, ctx)
  end

  local group = vim.api.nvim_create_augroup('gitinspector', { clear = true })
  vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile', 'BufFilePost' }, {
    group = group,
    callback = function(ev)
      client.start(ev.buf)
    end,
  })
  vim.api.nvim_create_autocmd('BufEnter', {
    group = group,
    callback = function(ev)
      if client.get(ev.buf) then
        client.last_buf = ev.buf
      end
    end,
  })
  vim.api.nvim_create_autocmd('ColorScheme', { group = group, callback = define_highlights })
  vim.api.nvim_create_autocmd('OptionSet', {
    group = group,
    pattern = 'background',
    callback = define_highlights,
  })
  vim.api.nvim_create_autocmd('LspProgress', { group = group, callback = show_progress })
  require('gitinspector.lens').setup_autocmds(group)
  -- Buffers opened before setup() (lazy loading).
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) then
      client.start(buf)
    end
  end
  client.push_config()
end

--- Starts/attaches the daemon for a buffer by hand (setup does this on BufReadPost).
function M.attach(bufnr)
  return require('gitinspector.client').start(bufnr or vim.api.nvim_get_current_buf())
end

function M.toggle_current_line_blame(on)
  return require('gitinspector.blame').toggle(on)
end

return M
