SITEGEN_SEARCH_CHUNK("w/73-72",{"srch":"0.1.1.1","srch0a0b0c0d":"1","srch12345678":"2","srch5c0ffee1":"3","srchdeadbeef":"0"});
