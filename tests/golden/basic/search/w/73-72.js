SITEGEN_SEARCH_CHUNK("w/73-72",{"srch":"0.1.1.1","srch0a0b0c0d":"2","srch12345678":"1","srch5c0ffee1":"0","srchdeadbeef":"3"});
