-- gitinspector.nvim: nothing is started here. Call require('gitinspector').setup({...}).
if vim.g.loaded_gitinspector then
  return
end
vim.g.loaded_gitinspector = true

if vim.fn.has('nvim-0.10') ~= 1 then
  vim.api.nvim_echo({ { 'gitinspector.nvim needs Neovim 0.10 or newer', 'WarningMsg' } }, true, {})
end
