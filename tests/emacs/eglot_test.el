;;; eglot_test.el --- gitinspector-lsp in a real Emacs through eglot  -*- lexical-binding: t -*-
;; Run: emacs --batch -Q -l eglot_test.el FILE BINARY EXPECTED-AUTHOR
;; Uses the configuration of docs/editors/emacs.md; prints "N passed, N failed".

(require 'package)
(package-initialize)
(require 'eglot)
(require 'python)

(let* ((file (nth 0 command-line-args-left))
       (binary (nth 1 command-line-args-left))
       (expected-author (nth 2 command-line-args-left))
       (passed 0) (failed 0))
  (setq command-line-args-left nil)
  (cl-flet ((check (name ok)
              (if ok (setq passed (1+ passed)) (setq failed (1+ failed)))
              (princ (format "%s - %s\n" (if ok "ok" "FAIL") name))))
    (add-to-list 'eglot-server-programs `((python-mode) . (,binary)))
    (setq-default eglot-workspace-configuration
                  '(:gitinspector (:inlayHints (:enabled t) :dateFormat "relative")))
    (find-file file)
    (python-mode)
    ;; `eglot-ensure' waits for the command loop, which batch mode never runs.
    (apply #'eglot (eglot--guess-contact))
    (with-timeout (30 nil)
      (while (not (eglot-current-server)) (accept-process-output nil 0.1)))
    (let ((server (eglot-current-server)))
      (check "eglot connects" server)
      (when server
        (goto-char (point-min))
        (let* ((hover (jsonrpc-request server :textDocument/hover
                                       (eglot--TextDocumentPositionParams)))
               (text (plist-get (plist-get hover :contents) :value)))
          (check (format "hover names the line's author (%s)" expected-author)
                 (and text (string-match-p (regexp-quote expected-author) text))))
        (let* ((blame (jsonrpc-request server :gitinspector/blame
                                       `(:textDocument (:uri ,(eglot--path-to-uri file)))))
               (commits (plist-get blame :commits)))
          (check "gitinspector/blame answers with commits"
                 (and (> (length commits) 0)
                      (string= (plist-get (aref commits 0) :author) expected-author))))
        (let ((lenses (jsonrpc-request server :textDocument/codeLens
                                       `(:textDocument (:uri ,(eglot--path-to-uri file))))))
          (check "code lenses name the author"
                 (and (> (length lenses) 0)
                      (string-match-p (regexp-quote expected-author)
                                      (plist-get (plist-get (aref lenses 0) :command) :title)))))
        (let ((hints (jsonrpc-request server :textDocument/inlayHint
                                      `(:textDocument (:uri ,(eglot--path-to-uri file))
                                        :range (:start (:line 0 :character 0)
                                                :end (:line 0 :character 0))))))
          (check "inlay hints carry the blame (configuration reached the server)"
                 (and (> (length hints) 0)
                      (string-match-p (regexp-quote expected-author)
                                      (plist-get (aref hints 0) :label)))))
        (eglot-shutdown server)))
    (princ (format "%d passed, %d failed\n" passed failed))
    (kill-emacs (if (= failed 0) 0 1))))
