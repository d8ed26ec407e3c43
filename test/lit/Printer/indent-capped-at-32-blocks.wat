;; Indentation is two spaces per open block up to 32 open blocks; deeper code stays at that
;; column (compiled `match` statements nest hundreds deep).  `end` lines up with its block.
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc -S %t.wasm -o - | FileCheck %s --match-full-lines --strict-whitespace
;; RUN: %meldc -S %t.wasm -o %t.wat
;; RUN: wat2wasm %t.wat -o %t.again.wasm
;; RUN: cmp %t.wasm %t.again.wasm

;; CHECK-LABEL:  (func (;0;) (type 0)
;; CHECK-NEXT:    block
;; CHECK-NEXT:      block
;; CHECK-NEXT:        block
;; CHECK-NEXT:          block
;; CHECK-NEXT:            block
;; CHECK-NEXT:              block
;; CHECK-NEXT:                block
;; CHECK-NEXT:                  block
;; CHECK-NEXT:                    block
;; CHECK-NEXT:                      block
;; CHECK-NEXT:                        block
;; CHECK-NEXT:                          block
;; CHECK-NEXT:                            block
;; CHECK-NEXT:                              block
;; CHECK-NEXT:                                block
;; CHECK-NEXT:                                  block
;; CHECK-NEXT:                                    block
;; CHECK-NEXT:                                      block
;; CHECK-NEXT:                                        block
;; CHECK-NEXT:                                          block
;; CHECK-NEXT:                                            block
;; CHECK-NEXT:                                              block
;; CHECK-NEXT:                                                block
;; CHECK-NEXT:                                                  block
;; CHECK-NEXT:                                                    block
;; CHECK-NEXT:                                                      block
;; CHECK-NEXT:                                                        block
;; CHECK-NEXT:                                                          block
;; CHECK-NEXT:                                                            block
;; CHECK-NEXT:                                                              block
;; CHECK-NEXT:                                                                block
;; CHECK-NEXT:                                                                  block
;; CHECK-NEXT:                                                                    block
;; CHECK-NEXT:                                                                    block
;; CHECK-NEXT:                                                                    br 34
;; CHECK-NEXT:                                                                    end
;; CHECK-NEXT:                                                                    end
;; CHECK-NEXT:                                                                  end
;; CHECK-NEXT:                                                                end
;; CHECK-NEXT:                                                              end
;; CHECK-NEXT:                                                            end
;; CHECK-NEXT:                                                          end
;; CHECK-NEXT:                                                        end
;; CHECK-NEXT:                                                      end
;; CHECK-NEXT:                                                    end
;; CHECK-NEXT:                                                  end
;; CHECK-NEXT:                                                end
;; CHECK-NEXT:                                              end
;; CHECK-NEXT:                                            end
;; CHECK-NEXT:                                          end
;; CHECK-NEXT:                                        end
;; CHECK-NEXT:                                      end
;; CHECK-NEXT:                                    end
;; CHECK-NEXT:                                  end
;; CHECK-NEXT:                                end
;; CHECK-NEXT:                              end
;; CHECK-NEXT:                            end
;; CHECK-NEXT:                          end
;; CHECK-NEXT:                        end
;; CHECK-NEXT:                      end
;; CHECK-NEXT:                    end
;; CHECK-NEXT:                  end
;; CHECK-NEXT:                end
;; CHECK-NEXT:              end
;; CHECK-NEXT:            end
;; CHECK-NEXT:          end
;; CHECK-NEXT:        end
;; CHECK-NEXT:      end
;; CHECK-NEXT:    end
;; CHECK-NEXT:  )
(module
  (func
    block block block block block block block block block block block block block block block block block block block block block block block block block block block block block block block block block block
    br 34
    end end end end end end end end end end end end end end end end end end end end end end end end end end end end end end end end end end))
